import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../storage/memory.js';
import type { KObject } from './kobject.js';
import { WatchCache, type Delivery, type DeliveryBatch, type WatchSink } from './watch-cache.js';

const resourceOf = (key: string) => key.split('/')[2];
const pod = (name: string, node = '') => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: node } });
const nextTurn = () => new Promise((r) => setImmediate(r));

function collector(): WatchSink & { batches: DeliveryBatch[]; got: () => Delivery[] } {
  const s = {
    batches: [] as DeliveryBatch[],
    got: () => s.batches.flatMap((b) => [...b.items]),
    deliver(batch: DeliveryBatch) {
      s.batches.push(batch);
      return true;
    },
    close() {},
  };
  return s;
}

async function setup(minFanOutIntervalMs = 0) {
  const store = new MemoryStore();
  const cache = new WatchCache({ store, resourceOf, minFanOutIntervalMs, triggers: { pods: { node: (o) => String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? '') } } });
  await cache.start();
  return { store, cache };
}

test('unfiltered watchers share one batch, hence one serialised chunk', async () => {
  const { store, cache } = await setup();
  const a = collector();
  const b = collector();
  cache.watch('pods', cache.currentRevision(), undefined, a);
  cache.watch('pods', cache.currentRevision(), undefined, b);
  await store.create('/registry/pods/default/x', pod('x'));
  await cache.sync();
  await nextTurn();
  assert.equal(a.batches.length, 1);
  assert.equal(a.batches[0], b.batches[0]);
  assert.equal(a.batches[0].jsonChunk(), b.batches[0].jsonChunk());
  cache.close();
});

test('the fan-out runs after the writers are acknowledged, and batches committed meanwhile reach a watcher in one delivery', async () => {
  const { store, cache } = await setup();
  const a = collector();
  cache.watch('pods', cache.currentRevision(), undefined, a);
  await Promise.all([store.create('/registry/pods/default/x', pod('x')), store.create('/registry/pods/default/y', pod('y'))]);
  await cache.sync();
  assert.equal(a.batches.length, 0, 'nothing is written to watchers before the writes are acknowledged');
  await store.create('/registry/pods/default/z', pod('z'));
  await cache.sync();
  await nextTurn();
  assert.equal(a.batches.length, 1);
  assert.deepEqual(a.got().map((d) => d.event.entry.obj.metadata.name), ['x', 'y', 'z']);
  cache.close();
});

test('a watch that starts between apply and fan-out gets each event once', async () => {
  const { store, cache } = await setup();
  const early = collector();
  const rev = cache.currentRevision();
  cache.watch('pods', rev, undefined, early);
  await store.create('/registry/pods/default/x', pod('x'));
  await cache.sync();
  const late = collector();
  const filteredLate = collector();
  const reg = cache.watch('pods', rev, undefined, late);
  cache.watch('pods', rev, (o) => o.metadata.name === 'x', filteredLate);
  assert.equal(late.got().length, 1, 'the ring gave it the event at once');
  assert.equal(reg.bookmarkRevision(), cache.currentRevision());
  await nextTurn();
  assert.deepEqual(late.got().map((d) => d.type), ['ADDED']);
  assert.deepEqual(filteredLate.got().map((d) => d.type), ['ADDED']);
  assert.deepEqual(early.got().map((d) => d.type), ['ADDED']);
  cache.close();
});

test('a bookmark never names a revision whose events the watcher has not been sent', async () => {
  const { store, cache } = await setup();
  const a = collector();
  const reg = cache.watch('pods', cache.currentRevision(), undefined, a);
  const before = reg.bookmarkRevision();
  const kv = await store.create('/registry/pods/default/x', pod('x'));
  await cache.sync();
  assert.equal(reg.bookmarkRevision(), before, 'applied but not yet sent');
  await nextTurn();
  assert.equal(reg.bookmarkRevision(), kv.modRevision);
  cache.close();
});

test('triggered watchers are reached through their index, with moves between values as ADDED and DELETED', async () => {
  const { store, cache } = await setup();
  const nodeIs = (n: string) => (o: KObject) => (o.spec as { nodeName?: string } | undefined)?.nodeName === n;
  const watchers = Array.from({ length: 50 }, (_, i) => {
    const c = collector();
    cache.watch('pods', cache.currentRevision(), nodeIs(`n${i}`), c, { index: 'node', value: `n${i}` });
    return c;
  });
  const a = await store.create('/registry/pods/default/a', pod('a', 'n1'));
  await store.update('/registry/pods/default/a', pod('a', 'n2'), a.modRevision);
  await cache.sync();
  await nextTurn();
  assert.deepEqual(watchers[1].got().map((d) => d.type), ['ADDED', 'DELETED']);
  assert.deepEqual(watchers[2].got().map((d) => d.type), ['ADDED']);
  assert.equal(watchers[1].batches.length, 1, 'one delivery per watcher per fan-out');
  assert.equal(watchers.filter((w) => w.batches.length > 0).length, 2);
  cache.close();
});

test('fan-outs start at least the interval apart: a lone event goes at once, commits that follow closely go together', async () => {
  const { store, cache } = await setup(80);
  const a = collector();
  cache.watch('pods', cache.currentRevision(), undefined, a);
  await store.create('/registry/pods/default/x', pod('x'));
  await cache.sync();
  await nextTurn();
  assert.equal(a.batches.length, 1, 'the first event is not held back');
  const sentAt = performance.now();
  await store.create('/registry/pods/default/y', pod('y'));
  await nextTurn();
  await store.create('/registry/pods/default/z', pod('z'));
  await nextTurn();
  assert.equal(a.batches.length, 1, 'held until the interval has passed');
  while (a.batches.length < 2) await new Promise((r) => setTimeout(r, 5));
  assert.ok(performance.now() - sentAt >= 70, 'not before the interval');
  assert.deepEqual(a.batches[1].items.map((d) => d.event.entry.obj.metadata.name), ['y', 'z']);
  cache.close();
});

test('watchers are counted as they come and go, and a stopped watcher gets nothing more', async () => {
  const { store, cache } = await setup();
  const regs = Array.from({ length: 20 }, (_, i) => cache.watch('pods', cache.currentRevision(), i % 2 ? undefined : () => true, collector(), i % 4 === 0 ? { index: 'node', value: `n${i}` } : undefined));
  const stopped = collector();
  const last = cache.watch('pods', cache.currentRevision(), undefined, stopped);
  assert.equal(cache.watcherCount(), 21);
  for (const r of regs) r.stop();
  regs[0].stop();
  assert.equal(cache.watcherCount(), 1);
  last.stop();
  assert.equal(cache.watcherCount(), 0);
  await store.create('/registry/pods/default/x', pod('x'));
  await cache.sync();
  await nextTurn();
  assert.equal(stopped.batches.length, 0);
  cache.close();
});
