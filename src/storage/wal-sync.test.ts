import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync, WalSyncError } from './wal-sync.js';

test('WalSync: commits are reported durable in order, several by one fsync', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-walsync-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'db-wal');
  await writeFile(path, 'header');
  const sync = new WalSync(path);
  const order: number[] = [];
  const all: Promise<void>[] = [];
  for (let i = 0; i < 20; i++) {
    await appendFile(path, `frame ${i}\n`);
    all.push(sync.durable().then(() => { order.push(i); }));
  }
  await Promise.all(all);
  assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
  await sync.close();
});

test('WalSync: a failed fsync rejects the waiting commits and every later one', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-walsync-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sync = new WalSync(join(dir, 'missing-wal'));
  await assert.rejects(sync.durable(), WalSyncError);
  assert.ok(sync.broken instanceof WalSyncError);
  await assert.rejects(sync.durable(), WalSyncError);
  await sync.close();
});
