// The records' in-memory listing: kept while the directory is unchanged, dropped when
// this or another process (another ImageRecords on the same root) adds, replaces or
// removes one, and frozen, since every caller shares it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageRecords, type ImageRecord } from './image-records.js';
import { tempDir } from './testing/fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(hex: string, tags: string[]): ImageRecord {
  return {
    id: `sha256:${hex.repeat(64)}`, manifestDigest: `sha256:${'f'.repeat(64)}`, manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    repoTags: tags, repoDigests: [], layers: [], diffIds: [], chainIds: [], size: 1, config: {}, platform: { os: 'linux', architecture: 'amd64' }, blobs: [],
  };
}

test('image records: a listing is reused until any process changes the directory', async (t) => {
  const root = await tempDir(t);
  const ours = new ImageRecords(root), theirs = new ImageRecords(root);
  await ours.init();
  await ours.write(record('a', ['x:1']));
  await sleep(80); // past the coarse-timestamp window: this listing is kept
  assert.deepEqual((await ours.list()).map((r) => r.repoTags), [['x:1']]);
  const kept = await ours.list();
  assert.equal(kept[0], (await ours.list())[0], 'the second listing reuses the parsed records');
  assert.throws(() => { (kept[0]!.repoTags as string[]).push('y:1'); }, TypeError, 'shared records are frozen');

  await theirs.write(record('b', ['y:1']));
  assert.deepEqual((await ours.list()).map((r) => r.repoTags), [['x:1'], ['y:1']], "another process's new record is seen");
  await sleep(80);
  await ours.list();
  await theirs.write({ ...record('a', ['x:2']) });
  assert.deepEqual((await ours.list()).map((r) => r.repoTags), [['x:2'], ['y:1']], "a record replaced elsewhere is read again");
  await sleep(80);
  await ours.list();
  await theirs.delete(record('b', []).id);
  assert.deepEqual((await ours.list()).map((r) => r.repoTags), [['x:2']], 'a record removed elsewhere is gone');
});
