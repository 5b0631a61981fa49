// Store contract, compaction: history below the compacted revision is gone (reads and
// watches there fail with CompactedError), the state at and after it is untouched, and
// revisions are never reused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collect, rejectsWith, withStore, type NewStore } from './contract-helpers.js';
import { CompactedError } from './store.js';

export function runCompactionContract(newStore: NewStore): void {
  test('compaction forgets history below its revision and keeps the state at it', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    await s.create('/a', 'a1');            // b+1
    await s.create('/b', 'b1');            // b+2
    await s.update('/a', 'a2', b + 1);     // b+3
    await s.delete('/b');                  // b+4
    await s.create('/c', 'c1');            // b+5
    await s.update('/a', 'a3', b + 3);     // b+6
    await s.compact(b + 4);
    assert.equal(await s.compactedRevision(), b + 4);
    await assert.rejects(s.range('', { revision: b + 3 }), CompactedError);
    await rejectsWith(s.get('/a', b + 2), 'COMPACTED');
    await assert.rejects(s.watch('', b + 3, { onEvents: () => {} }), CompactedError);
    assert.deepEqual((await s.range('', { revision: b + 4 })).kvs.map((kv) => `${kv.key}=${kv.value}`), ['/a=a2']);
    assert.deepEqual((await s.range('', { revision: b + 5 })).kvs.map((kv) => `${kv.key}=${kv.value}`), ['/a=a2', '/c=c1']);
    assert.deepEqual((await s.range('')).kvs.map((kv) => `${kv.key}=${kv.value}@${kv.modRevision - b}`), ['/a=a3@6', '/c=c1@5']);
    assert.equal(await s.count(''), 2);
    // A watch from the compacted revision itself still sees everything after it, prevKv included.
    const c = await collect(s, '', b + 4);
    await c.until((evs) => evs.length === 2);
    assert.deepEqual(c.events.map((e) => `${e.type} ${e.kv.key}@${e.revision - b}`), ['put /c@5', 'put /a@6']);
    assert.equal(c.events[1]!.prevKv?.value, 'a2');
    c.handle.close();
  }));

  test('compaction bounds: past the current revision fails, at or below the compacted one does nothing', () => withStore(newStore, async (s) => {
    await s.create('/a', '1');
    const b = (await s.create('/b', '2')).modRevision;
    await rejectsWith(s.compact(b + 1), 'FUTURE_REVISION');
    await s.compact(b);
    await s.compact(b - 1);
    await s.compact(b);
    assert.equal(await s.compactedRevision(), b);
    assert.equal(await s.count(''), 2);
  }));

  test('revisions are never reused after compacting a deleted newest key', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    await s.create('/a', '1');             // b+1
    await s.create('/gone', '2');          // b+2
    await s.delete('/gone');               // b+3
    await s.compact(b + 3);
    assert.equal(await s.currentRevision(), b + 3);
    assert.equal(await s.get('/gone'), undefined);
    const next = await s.create('/b', '3');
    assert.equal(next.modRevision, b + 4);
    const back = await s.create('/gone', 'again');
    assert.deepEqual(back, { key: '/gone', value: 'again', createRevision: b + 5, modRevision: b + 5 });
  }));

  test('a key updated many times reads correctly after repeated compactions', () => withStore(newStore, async (s) => {
    let kv = await s.create('/k', 'v0');
    const b = kv.modRevision;
    for (let i = 1; i <= 30; i++) {
      kv = await s.update('/k', `v${i}`, kv.modRevision);
      if (i % 7 === 0) await s.compact(kv.modRevision - 2);
    }
    assert.equal((await s.get('/k'))?.value, 'v30');
    const compacted = await s.compactedRevision();
    assert.equal((await s.get('/k', compacted))?.value, `v${compacted - b}`);
    assert.equal((await s.range('/k')).kvs.length, 1);
  }));
}
