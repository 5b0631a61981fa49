// Store contract, persistence: what a reopened store must still hold. Stores without
// reopen (memory) skip these, by name, because nothing of theirs outlives close().

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertStrictlyIncreasing, collect, range, type NewStore } from './contract-helpers.js';
import type { Store } from './store.js';

const NO_REOPEN = 'this backend keeps nothing after close() (no reopen in its fixture)';

export function runPersistenceContract(newStore: NewStore): void {
  test('reopening keeps every key, the revision and the compacted revision', async (t) => {
    const fx = await newStore();
    let reopened: Store | undefined;
    try {
      if (!fx.reopen) { t.skip(NO_REOPEN); return; }
      const s = fx.store;
      const b = await s.currentRevision();
      await Promise.all(range(20).map((i) => s.create(`/p/${i}`, `v${i}`)));
      await s.update('/p/3', 'changed', (await s.get('/p/3'))!.modRevision);
      await s.delete('/p/4');
      await s.compact(b + 10);
      const before = await s.range('');
      await s.close();
      reopened = await fx.reopen();
      assert.equal(await reopened.currentRevision(), b + 22);
      assert.equal(await reopened.compactedRevision(), b + 10);
      assert.deepEqual(await reopened.range(''), before);
      assert.equal((await reopened.create('/p/new', 'x')).modRevision, b + 23);
    } finally {
      await fx.store.close().catch(() => {});
      await reopened?.close().catch(() => {});
      await fx.cleanup();
    }
  });

  test('a watch after reopening replays from before the restart, in order', async (t) => {
    const fx = await newStore();
    let reopened: Store | undefined;
    try {
      if (!fx.reopen) { t.skip(NO_REOPEN); return; }
      const s = fx.store;
      const b = await s.currentRevision();
      for (let i = 0; i < 10; i++) await s.create(`/w/${i}`, `v${i}`);
      await s.delete('/w/0');
      await s.close();
      reopened = await fx.reopen();
      await reopened.update('/w/1', 'after', b + 2);
      const c = await collect(reopened, '/w/', b + 5);
      await c.until((evs) => evs.length === 7);
      assertStrictlyIncreasing(c.events);
      assert.deepEqual(c.events.map((e) => `${e.type} ${e.kv.key}@${e.revision - b}`), [
        'put /w/5@6', 'put /w/6@7', 'put /w/7@8', 'put /w/8@9', 'put /w/9@10', 'delete /w/0@11', 'put /w/1@12',
      ]);
      assert.equal(c.events[5]!.kv.value, 'v0');
      assert.equal(c.events[6]!.prevKv?.value, 'v1');
      c.handle.close();
    } finally {
      await fx.store.close().catch(() => {});
      await reopened?.close().catch(() => {});
      await fx.cleanup();
    }
  });
}
