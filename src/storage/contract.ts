// The conformance suite every Store backend must pass (memory.test.ts, sqlite.test.ts).
// It states etcd's semantics as tests; a backend that cannot do something skips that
// test by name with the reason (only persistence, for a store that has no reopen).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCompactionContract } from './contract-compaction.js';
import { range, rejectsWith, withStore, type NewStore } from './contract-helpers.js';
import { runPersistenceContract } from './contract-persistence.js';
import { runWatchContract } from './contract-watch.js';
import { KeyExistsError, StoreClosedError } from './store.js';

export type { NewStore, StoreFixture } from './contract-helpers.js';

export function runStoreContract(name: string, newStore: NewStore): void {
  describe(`Store contract: ${name}`, () => {
    runBasicContract(newStore);
    runConcurrencyContract(newStore);
    runWatchContract(newStore);
    runCompactionContract(newStore);
    runPersistenceContract(newStore);
  });
}

function runBasicContract(newStore: NewStore): void {
  test('a new store is at revision 0 with nothing compacted', async (t) => {
    const fx = await newStore();
    try {
      if (fx.sharesRevisions) { t.skip(fx.sharesRevisions); return; }
      assert.equal(await fx.store.currentRevision(), 0);
      assert.equal(await fx.store.compactedRevision(), 0);
    } finally {
      await fx.store.close().catch(() => {});
      await fx.cleanup();
    }
  });

  test('an empty store has nothing in it', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    assert.ok(await s.compactedRevision() <= b);
    assert.equal(await s.get('/a'), undefined);
    assert.deepEqual(await s.range(''), { kvs: [], more: false, revision: b });
    assert.equal(await s.count(''), 0);
  }));

  test('create, get, update and delete move one global revision', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    const a = await s.create('/a', 'one');
    assert.deepEqual(a, { key: '/a', value: 'one', createRevision: b + 1, modRevision: b + 1 });
    const bee = await s.create('/b', 'two');
    assert.equal(bee.modRevision, b + 2);
    assert.deepEqual(await s.get('/a'), a);
    const a2 = await s.update('/a', 'uno', b + 1);
    assert.deepEqual(a2, { key: '/a', value: 'uno', createRevision: b + 1, modRevision: b + 3 });
    const gone = await s.delete('/b');
    assert.deepEqual(gone, bee, 'delete returns the last value');
    assert.equal(await s.get('/b'), undefined);
    assert.equal(await s.currentRevision(), b + 4);
    const again = await s.create('/b', 'again');
    assert.deepEqual(again, { key: '/b', value: 'again', createRevision: b + 5, modRevision: b + 5 });
    assert.deepEqual(await s.create('/empty', ''), { key: '/empty', value: '', createRevision: b + 6, modRevision: b + 6 });
    assert.equal((await s.get('/empty'))?.value, '');
  }));

  test('create refuses a present key and changes nothing', () => withStore(newStore, async (s) => {
    const b = (await s.create('/a', 'one')).modRevision;
    await assert.rejects(s.create('/a', 'two'), KeyExistsError);
    assert.equal((await s.get('/a'))?.value, 'one');
    assert.equal(await s.currentRevision(), b);
  }));

  test('update and delete are guarded by the mod revision', () => withStore(newStore, async (s) => {
    const r1 = (await s.create('/a', 'one')).modRevision;
    const r2 = (await s.update('/a', 'two', r1)).modRevision;
    await rejectsWith(s.update('/a', 'three', r1), 'REVISION_MISMATCH');
    await rejectsWith(s.delete('/a', r1), 'REVISION_MISMATCH');
    await rejectsWith(s.update('/missing', 'x', r1), 'KEY_NOT_FOUND');
    await rejectsWith(s.update('/missing', 'x', 0), 'KEY_NOT_FOUND');
    await rejectsWith(s.delete('/missing'), 'KEY_NOT_FOUND');
    assert.equal(await s.currentRevision(), r2, 'refused writes use no revision');
    assert.equal((await s.delete('/a', r2)).value, 'two');
    await rejectsWith(s.update('/a', 'x', r2), 'KEY_NOT_FOUND');
    await rejectsWith(s.delete('/a'), 'KEY_NOT_FOUND');
  }));

  test('range selects by prefix in byte order, with limit, more and startKey', () => withStore(newStore, async (s) => {
    for (const k of ['/b', '/a/2', '/ab', '/a/1', '/a/3', '/a']) await s.create(k, k.toUpperCase());
    const all = await s.range('');
    assert.deepEqual(all.kvs.map((kv) => kv.key), ['/a', '/a/1', '/a/2', '/a/3', '/ab', '/b']);
    assert.equal(all.revision, await s.currentRevision());
    const under = await s.range('/a/');
    assert.deepEqual(under.kvs.map((kv) => [kv.key, kv.value]), [['/a/1', '/A/1'], ['/a/2', '/A/2'], ['/a/3', '/A/3']]);
    assert.equal(under.more, false);
    const page1 = await s.range('/a/', { limit: 2 });
    assert.deepEqual(page1.kvs.map((kv) => kv.key), ['/a/1', '/a/2']);
    assert.equal(page1.more, true);
    const page2 = await s.range('/a/', { limit: 2, startKey: page1.kvs[1]!.key + '\x00' });
    assert.deepEqual(page2.kvs.map((kv) => kv.key), ['/a/3']);
    assert.equal(page2.more, false);
    const exact = await s.range('/a/', { limit: 3 });
    assert.equal(exact.more, false, 'a page that ends exactly at the last key has no more');
    assert.equal((await s.range('/a/', { startKey: '/' })).kvs.length, 3, 'a startKey before the prefix is ignored');
    assert.equal((await s.range('/a/', { startKey: '/b' })).kvs.length, 0);
    assert.equal(await s.count('/a'), 5);
    assert.equal(await s.count('/a/'), 3);
    await s.delete('/a/2');
    assert.equal(await s.count('/a/'), 2);
    assert.deepEqual((await s.range('/a/')).kvs.map((kv) => kv.key), ['/a/1', '/a/3']);
  }));

  test('paging with limit and startKey visits every key once', () => withStore(newStore, async (s) => {
    await Promise.all(range(57).map((i) => s.create(`/p/${String(i).padStart(3, '0')}`, 'v')));
    const seen: string[] = [];
    let start: string | undefined;
    for (;;) {
      const page = await s.range('/p/', { limit: 10, startKey: start });
      seen.push(...page.kvs.map((kv) => kv.key));
      if (!page.more) break;
      start = page.kvs[page.kvs.length - 1]!.key + '\x00';
    }
    assert.deepEqual(seen, range(57).map((i) => `/p/${String(i).padStart(3, '0')}`));
  }));

  test('keys order by their UTF-8 bytes, not UTF-16 units', () => withStore(newStore, async (s) => {
    // U+FFFD is EF BF BD in UTF-8; U+1F600 is F0 9F 98 80, yet its first UTF-16 unit is smaller.
    await s.create('/u/\u{1F600}', 'smile');
    await s.create('/u/\uFFFD', 'replacement');
    await s.create('/u/z', 'z');
    assert.deepEqual((await s.range('/u/')).kvs.map((kv) => kv.value), ['z', 'replacement', 'smile']);
    assert.equal((await s.get('/u/\u{1F600}'))?.value, 'smile');
    assert.equal(await s.count('/u/\uFFFD'), 1);
  }));

  test('reads at a past revision see the state as it was', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    await s.create('/a', 'one');          // b+1
    await s.create('/b', 'bee');          // b+2
    await s.update('/a', 'two', b + 1);   // b+3
    await s.delete('/b');                 // b+4
    await s.create('/c', 'sea');          // b+5
    const at = async (rev: number): Promise<string[]> =>
      (await s.range('', { revision: b + rev })).kvs.map((kv) => `${kv.key}=${kv.value}@${kv.modRevision - b}`);
    assert.deepEqual(await at(1), ['/a=one@1']);
    assert.deepEqual(await at(2), ['/a=one@1', '/b=bee@2']);
    assert.deepEqual(await at(3), ['/a=two@3', '/b=bee@2']);
    assert.deepEqual(await at(4), ['/a=two@3']);
    assert.deepEqual(await at(5), ['/a=two@3', '/c=sea@5']);
    assert.equal((await s.range('', { revision: b + 2 })).revision, b + 2);
    assert.equal((await s.get('/a', b + 2))?.value, 'one');
    assert.equal(await s.get('/b', b + 4), undefined);
    assert.equal((await s.get('/b', b + 3))?.value, 'bee');
    await rejectsWith(s.range('', { revision: b + 6 }), 'FUTURE_REVISION');
    await rejectsWith(s.get('/a', b + 9), 'FUTURE_REVISION');
  }));

  test('a closed store rejects every call with StoreClosedError', () => withStore(newStore, async (s) => {
    await s.create('/a', 'one');
    await s.close();
    await s.close();
    const calls: Array<() => Promise<unknown>> = [
      () => s.currentRevision(), () => s.compactedRevision(), () => s.get('/a'), () => s.range(''),
      () => s.count(''), () => s.create('/b', 'x'), () => s.update('/a', 'x', 1), () => s.delete('/a'),
      () => s.watch('', 0, { onEvents: () => {} }), () => s.compact(0),
    ];
    for (const call of calls) await assert.rejects(call(), StoreClosedError);
  }));
}

function runConcurrencyContract(newStore: NewStore): void {
  test('concurrent CAS updates of one key: exactly one wins per revision', () => withStore(newStore, async (s) => {
    let cur = await s.create('/hot', 'v0');
    for (let round = 0; round < 8; round++) {
      const expected = cur.modRevision;
      const results = await Promise.allSettled(range(16).map((i) => s.update('/hot', `r${round}-${i}`, expected)));
      const won = results.filter((r): r is PromiseFulfilledResult<typeof cur> => r.status === 'fulfilled');
      assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'REVISION_MISMATCH');
      }
      assert.equal(won[0]!.value.modRevision, expected + 1);
      cur = won[0]!.value;
      assert.deepEqual(await s.get('/hot'), cur);
    }
  }));

  test('concurrent creates of one key: exactly one wins', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    const results = await Promise.allSettled(range(20).map((i) => s.create('/once', `v${i}`)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal(await s.currentRevision(), b + 1);
  }));

  test('concurrent writes get distinct, contiguous revisions', () => withStore(newStore, async (s) => {
    const b = (await s.create('/first', 'x')).modRevision;
    const kvs = await Promise.all(range(200).map((i) => s.create(`/many/${i}`, `v${i}`)));
    const revs = kvs.map((kv) => kv.modRevision).sort((x, y) => x - y);
    assert.deepEqual(revs, range(200).map((i) => b + i + 1));
    assert.equal(await s.currentRevision(), b + 200);
    assert.equal(await s.count('/many/'), 200);
  }));
}
