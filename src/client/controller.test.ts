import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueueHandlers, runWorkers } from './controller.js';
import { WorkQueue } from './work-queue.js';

test('workers sync keys, requeue failures with back-off, and forget on success', async () => {
  const q = new WorkQueue<string>({ baseMs: 1, capMs: 4 });
  const calls: string[] = [];
  let failuresLeft = 3;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const w = runWorkers({
    queue: q,
    name: 'test',
    workers: 2,
    async sync(key) {
      calls.push(key);
      if (key === 'bad' && failuresLeft-- > 0) throw new Error('boom');
      if (key === 'bad') resolveDone();
    },
  });
  try {
    q.add('good');
    q.add('bad');
    await done;
    // The runner forgets the key just after sync returns.
    await new Promise((r) => setImmediate(r));
    assert.equal(calls.filter((c) => c === 'bad').length, 4);
    assert.equal(calls.filter((c) => c === 'good').length, 1);
    assert.equal(q.numRequeues('bad'), 0, 'forgotten after success');
  } finally {
    await w.stop();
  }
});

test('no two workers sync the same key at once', async () => {
  const q = new WorkQueue<string>();
  let inFlight = 0;
  let maxInFlight = 0;
  let count = 0;
  const w = runWorkers({
    queue: q,
    name: 'test',
    workers: 4,
    async sync() {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      count++;
    },
  });
  try {
    for (let i = 0; i < 10; i++) {
      q.add('k');
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(maxInFlight, 1);
    assert.ok(count >= 2 && count <= 10, `synced ${count} times`);
  } finally {
    await w.stop();
  }
});

test('a sync may ask to be looked at again later', async () => {
  const q = new WorkQueue<string>();
  let n = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const w = runWorkers({
    queue: q,
    name: 'test',
    async sync() {
      n++;
      if (n === 2) resolveDone();
      return n < 2 ? { requeueAfterMs: 5 } : undefined;
    },
  });
  try {
    q.add('k');
    await done;
    assert.equal(n, 2);
  } finally {
    await w.stop();
  }
});

test('enqueueHandlers add namespace/name keys, filtered', async () => {
  const q = new WorkQueue<string>();
  const h = enqueueHandlers<{ metadata: { namespace?: string; name?: string; labels?: Record<string, string> } }>(q, (o) => o.metadata.labels?.skip !== 'yes');
  h.onAdd?.({ metadata: { namespace: 'a', name: 'x' } });
  h.onUpdate?.({ metadata: { namespace: 'a', name: 'x' } }, { metadata: { namespace: 'a', name: 'x' } });
  h.onDelete?.({ metadata: { name: 'cluster-wide' } });
  h.onAdd?.({ metadata: { namespace: 'a', name: 'y', labels: { skip: 'yes' } } });
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a/x');
  assert.equal(await q.get(), 'cluster-wide');
});
