import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tryLock, withFileLock } from './file-lock.js';
import { tempDir } from './testing/fixtures.js';

test('a held lock makes others wait; the lock of a dead process is broken', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'lock');
  const order: string[] = [];
  let release!: () => void;
  const first = withFileLock(path, () => new Promise<void>((r) => {
    order.push('first in');
    release = r;
  }));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await tryLock(path), false, 'held by this (live) process');
  const second = withFileLock(path, async () => void order.push('second in'));
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(order, ['first in'], 'second waits');
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first in', 'second in']);

  const dead = spawnSync('true').pid!;
  await writeFile(path, String(dead));
  assert.equal(await tryLock(path), true, 'stale lock taken over');
  assert.equal(await readFile(path, 'utf8'), String(process.pid));
});
