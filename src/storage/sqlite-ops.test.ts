// SQLite-only behaviour: group commit, compaction and the WAL, chunked replay, the
// background compactor, and the single-writer lock.

import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { collect, range } from './contract-helpers.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite.js';

async function fresh(t: TestContext, opts: Omit<SqliteStoreOptions, 'path'> = {}): Promise<{ store: SqliteStore; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-sqlite-ops-'));
  const path = join(dir, 'state.db');
  const store = new SqliteStore({ path, ...opts });
  t.after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { store, path };
}

test('the file is in WAL mode, and every commit is fsynced before it is acknowledged (an acknowledged write survives power loss)', async (t) => {
  const { store } = await fresh(t);
  assert.deepEqual(store.durability(), { journalMode: 'wal', synchronous: 'NORMAL', fsyncPerCommit: true });
});

test('group commit: 200 concurrent creates take a handful of transactions', async (t) => {
  const { store } = await fresh(t);
  await Promise.all(range(200).map((i) => store.create(`/g/${i}`, 'v')));
  const s = store.stats();
  assert.equal(s.writes, 200);
  assert.ok(s.commits <= 5, `${s.commits} commits for 200 writes`);
  assert.ok(s.largestBatch >= 40);
  // Writes awaited one after the other cannot share a transaction: one commit each.
  for (let i = 0; i < 5; i++) await store.create(`/seq/${i}`, 'v');
  assert.equal(store.stats().commits, s.commits + 5);
});

test('group commit: a conflicting write fails alone inside its batch', async (t) => {
  const { store } = await fresh(t);
  const before = store.stats().commits;
  const results = await Promise.allSettled([
    store.create('/a', '1'), store.create('/a', '2'), store.create('/b', '3'), store.update('/nope', 'x', 1),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected']);
  assert.equal(store.stats().commits, before + 1);
  assert.equal(store.stats().failedWrites, 2);
  assert.equal((await store.get('/b'))?.modRevision, 2, 'the failed write took no revision');
});

test('group commit: maxBatch splits a large burst', async (t) => {
  const { store } = await fresh(t, { maxBatch: 50 });
  await Promise.all(range(200).map((i) => store.create(`/m/${i}`, 'v')));
  assert.equal(store.stats().largestBatch, 50);
  assert.ok(store.stats().commits >= 4);
});

test('compaction removes superseded rows and tombstones', async (t) => {
  const { store } = await fresh(t, { compactChunkRevisions: 37 });
  await Promise.all(range(100).map((i) => store.create(`/k/${i}`, 'v0')));
  for (let round = 1; round <= 5; round++) {
    await Promise.all(range(100).map(async (i) => {
      const cur = (await store.get(`/k/${i}`))!;
      await store.update(`/k/${i}`, `v${round}`, cur.modRevision);
    }));
  }
  await Promise.all(range(50).map((i) => store.delete(`/k/${i}`)));
  assert.equal(store.stats().rows, 650);
  const rev = await store.currentRevision();
  await store.compact(rev);
  assert.equal(store.stats().rows, 50);
  assert.ok(store.stats().compactions >= 650 / 37, 'compaction ran in chunks');
  assert.equal(await store.count('/k/'), 50);
  assert.equal((await store.get('/k/99'))?.value, 'v5');
});

test('checkpoint truncates the WAL', async (t) => {
  const { store, path } = await fresh(t, { checkpointIntervalMs: 0 });
  const big = 'y'.repeat(4000);
  for (let i = 0; i < 10; i++) await Promise.all(range(100).map((j) => store.create(`/w/${i}/${j}`, big)));
  const walBefore = (await stat(`${path}-wal`)).size;
  assert.ok(walBefore > 1_000_000, `WAL is ${walBefore} bytes before`);
  store.checkpoint();
  assert.equal((await stat(`${path}-wal`)).size, 0);
  assert.equal(await store.count('/w/'), 1000);
});

test('the background compactor keeps the last compactKeepRevisions and truncates the WAL', async (t) => {
  const { store, path } = await fresh(t, { compactIntervalMs: 30, compactKeepRevisions: 10, checkpointIntervalMs: 0 });
  const kv = await store.create('/t', 'v0');
  let cur = kv;
  for (let i = 1; i <= 60; i++) cur = await store.update('/t', `v${i}`, cur.modRevision);
  const deadline = Date.now() + 5000;
  while ((await store.compactedRevision()) < 51 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(await store.compactedRevision(), 51);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal((await stat(`${path}-wal`)).size, 0);
  assert.ok(store.stats().rows <= 11);
});

test('replay reads the log in chunks and loses nothing', async (t) => {
  const { store } = await fresh(t, { replayChunk: 7 });
  await Promise.all(range(100).map((i) => store.create(`/r/${i % 2 ? 'odd' : 'even'}/${i}`, 'v')));
  const c = await collect(store, '/r/odd/', 0);
  await c.until((evs) => evs.length === 50);
  assert.deepEqual(c.events.map((e) => e.kv.key), range(50).map((i) => `/r/odd/${2 * i + 1}`));
  await store.create('/r/odd/live', 'v');
  await c.until((evs) => evs.length === 51);
});

test('compacting under a watch that is still replaying ends it with CompactedError', async (t) => {
  const { store } = await fresh(t, { replayChunk: 10 });
  await Promise.all(range(100).map((i) => store.create(`/c/${i}`, 'v')));
  await Promise.all(range(100).map((i) => store.delete(`/c/${i}`)));
  let closedWith: Error | undefined;
  let got = 0;
  // A consumer that takes its time, so the replay is still under way when compaction comes.
  await store.watch('/c/', 0, {
    onEvents: (evs) => { got += evs.length; return new Promise((r) => setTimeout(r, 5)); },
    onClose: (err) => { closedWith = err; },
  });
  await new Promise((r) => setTimeout(r, 12));
  await store.compact(await store.currentRevision());
  const deadline = Date.now() + 2000;
  while (!closedWith && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(closedWith?.name, 'CompactedError');
  assert.ok(got > 0 && got < 200, `got ${got} events before the compaction`);
});

test('a second store cannot open a file that is in use', async (t) => {
  const { store, path } = await fresh(t);
  await store.create('/a', '1');
  assert.throws(() => new SqliteStore({ path, busyTimeoutMs: 50 }), /locked/);
});

test('compaction and a checkpoint give freed space back to the file system', async (t) => {
  const { store, path } = await fresh(t, { checkpointIntervalMs: 0 });
  const big = 'z'.repeat(4000);
  for (let i = 0; i < 4; i++) await Promise.all(range(500).map((j) => store.create(`/big/${i}/${j}`, big)));
  store.checkpoint();
  const full = (await stat(path)).size;
  assert.ok(full > 8_000_000, `database is ${full} bytes when full`);
  for (let i = 0; i < 4; i++) await Promise.all(range(500).map((j) => store.delete(`/big/${i}/${j}`)));
  await store.compact(await store.currentRevision());
  store.checkpoint();
  const after = (await stat(path)).size;
  assert.ok(after < full / 10, `database is ${after} bytes after compaction (was ${full})`);
  assert.equal(store.stats().rows, 0);
});

test('after compacting away a deleted newest key and reopening, revisions go on from the old high mark', async (t) => {
  const { store, path } = await fresh(t);
  await store.create('/keep', '1');
  await store.create('/gone', '2');
  await store.delete('/gone');
  await store.compact(3);
  assert.equal(store.stats().rows, 1);
  await store.close();
  const again = new SqliteStore({ path });
  try {
    assert.equal(await again.currentRevision(), 3);
    assert.equal(await again.compactedRevision(), 3);
    assert.equal((await again.create('/new', 'x')).modRevision, 4);
  } finally {
    await again.close();
  }
});

test('under a busy background compactor a watch either sees every revision or ends with CompactedError', async (t) => {
  const { store } = await fresh(t, { compactIntervalMs: 5, compactKeepRevisions: 40, replayChunk: 16 });
  await Promise.all(range(50).map((i) => store.create(`/b/${i}`, 'v0')));
  let stop = false;
  const writers = range(4).map(async (w) => {
    for (let i = 0; !stop && i < 300; i++) {
      const key = `/b/${(w * 7 + i) % 50}`;
      const cur = await store.get(key);
      try {
        if (cur) await store.update(key, `w${w}-${i}`, cur.modRevision);
        else await store.create(key, 'again');
      } catch { /* raced another writer */ }
    }
  });
  const watches = [];
  for (let k = 0; k < 6; k++) {
    await new Promise((r) => setTimeout(r, 7));
    const from = Math.max(await store.compactedRevision(), (await store.currentRevision()) - 30);
    try {
      watches.push({ from, c: await collect(store, '/b/', from) });
    } catch (err) {
      assert.equal((err as Error).name, 'CompactedError');
    }
  }
  await Promise.all(writers);
  stop = true;
  const last = await store.currentRevision();
  assert.ok((await store.compactedRevision()) > 100, 'the compactor ran during the writes');
  let complete = 0;
  for (const { from, c } of watches) {
    await c.until((evs) => c.closed || (evs.length > 0 && evs[evs.length - 1]!.revision === last));
    if (c.closed) {
      assert.equal(c.closedWith?.name, 'CompactedError');
      continue;
    }
    complete++;
    assert.deepEqual(c.events.map((e) => e.revision), range(last - from).map((i) => i + from + 1), `watch from ${from}`);
    c.handle.close();
  }
  assert.ok(complete > 0, 'at least one watch kept up');
});

test('the fsync runs off the loop: an acknowledged write is readable at once, acknowledgements come in revision order', async (t) => {
  const { store } = await fresh(t);
  const acked: number[] = [];
  await Promise.all(range(300).map(async (i) => {
    const kv = await store.create(`/ack/${i}`, `v${i}`);
    acked.push(kv.modRevision);
    assert.equal((await store.get(`/ack/${i}`))?.value, `v${i}`);
    assert.ok((await store.currentRevision()) >= kv.modRevision);
  }));
  assert.deepEqual(acked, [...acked].sort((a, b) => a - b));
  const listed = await store.range('/ack/');
  assert.equal(listed.kvs.length, 300);
});
