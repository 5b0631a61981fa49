import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { ContentStore } from './content-store.js';
import { sha256Digest } from './digest.js';
import { DigestMismatchError } from './errors.js';
import { tempDir } from './testing/fixtures.js';

test('a blob is kept only when digest and size match', async (t) => {
  const store = new ContentStore(await tempDir(t));
  await store.init();
  const data = Buffer.from('layer bytes');
  const digest = sha256Digest(data);
  await assert.rejects(store.put(data, sha256Digest('other')), DigestMismatchError);
  assert.deepEqual(await store.list(), []);

  const w = await store.openIngest(digest);
  await w.write(data.subarray(0, 5)); // truncated
  await assert.rejects(w.commit(digest, data.length), DigestMismatchError);
  assert.deepEqual(await store.list(), []);
  assert.deepEqual(await readdir(store.ingestDir), [], 'nothing left in ingest either');

  const wrong = await store.openIngest(digest);
  await wrong.write(Buffer.from('tampered!!!'));
  await assert.rejects(wrong.commit(digest, data.length), DigestMismatchError);
  assert.equal(await store.has(digest), false);

  assert.equal(await store.put(data, digest), digest);
  assert.equal((await store.read(digest)).toString(), 'layer bytes');
});

test('an interrupted ingest resumes where it stopped', async (t) => {
  const store = new ContentStore(await tempDir(t));
  await store.init();
  const data = Buffer.alloc(100_000, 3);
  const digest = sha256Digest(data);
  const first = await store.openIngest(digest);
  await first.write(data.subarray(0, 40_000));
  await first.abort(true);
  const second = await store.openIngest(digest);
  assert.equal(second.offset, 40_000);
  await second.write(data.subarray(40_000));
  assert.deepEqual(await second.commit(digest, data.length), { digest, size: data.length });
  assert.equal(await store.has(digest, data.length), true);
});
