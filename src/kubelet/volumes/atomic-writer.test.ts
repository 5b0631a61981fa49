import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readlink, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeAtomic, type Payload } from './atomic-writer.js';
import { InvalidPayloadPathError } from './errors.js';

function payload(entries: Record<string, [string, number]>): Payload {
  return new Map(Object.entries(entries).map(([k, [d, m]]) => [k, { data: Buffer.from(d), mode: m }]));
}

test('writes files behind ..data with their modes, and swaps ..data on change', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-aw-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(await writeAtomic(dir, payload({ a: ['1', 0o644], 'sub/b': ['2', 0o400] })), true);
  const first = await readlink(path.join(dir, '..data'));
  assert.match(first, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);
  assert.equal(await readlink(path.join(dir, 'a')), '..data/a');
  assert.equal(await readlink(path.join(dir, 'sub')), '..data/sub');
  assert.equal(await readFile(path.join(dir, 'sub/b'), 'utf8'), '2');
  assert.equal((await stat(path.join(dir, 'a'))).mode & 0o777, 0o644);
  assert.equal((await stat(path.join(dir, 'sub/b'))).mode & 0o777, 0o400);

  // Same payload: nothing is rewritten.
  assert.equal(await writeAtomic(dir, payload({ a: ['1', 0o644], 'sub/b': ['2', 0o400] })), false);
  assert.equal(await readlink(path.join(dir, '..data')), first);

  // Changed payload: new timestamped dir, stale names and the old dir removed.
  assert.equal(await writeAtomic(dir, payload({ a: ['one', 0o644], c: ['3', 0o600] })), true);
  const second = await readlink(path.join(dir, '..data'));
  assert.notEqual(second, first);
  assert.equal(await readFile(path.join(dir, 'a'), 'utf8'), 'one');
  assert.equal(await readFile(path.join(dir, 'c'), 'utf8'), '3');
  const names = (await readdir(dir)).sort();
  assert.deepEqual(names, [second, '..data', 'a', 'c'].sort());
});

test('a mode change alone is an update', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-aw-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeAtomic(dir, payload({ a: ['1', 0o644] }));
  assert.equal(await writeAtomic(dir, payload({ a: ['1', 0o600] })), true);
  assert.equal((await stat(path.join(dir, 'a'))).mode & 0o777, 0o600);
});

test('refuses paths that escape the volume', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-aw-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const bad of ['../x', '/etc/passwd', 'a/../../x', '..data']) {
    await assert.rejects(writeAtomic(dir, payload({ [bad]: ['x', 0o644] })), InvalidPayloadPathError);
  }
  assert.deepEqual(await readdir(dir), []);
});
