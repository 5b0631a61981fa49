import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryStore, SqliteStore, openStore, sqlitePath } from './index.js';

test('openStore("sqlite") makes <dataDir>/db/state.db and resumes it', async (t) => {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'k8ts-open-')), 'nested', 'data');
  t.after(() => rm(join(dataDir, '..', '..'), { recursive: true, force: true }));
  const store = await openStore('sqlite', { dataDir, sqlite: { compactIntervalMs: 0 } });
  assert.ok(store instanceof SqliteStore);
  await store.create('/a', '1');
  await store.close();
  assert.equal(sqlitePath(dataDir), join(dataDir, 'db', 'state.db'));
  assert.ok((await stat(sqlitePath(dataDir))).isFile());
  const again = await openStore('sqlite', { dataDir });
  try {
    assert.equal((await again.get('/a'))?.value, '1');
  } finally {
    await again.close();
  }
});

test('openStore("memory") starts empty', async () => {
  const store = await openStore('memory', { dataDir: '/nonexistent' });
  assert.ok(store instanceof MemoryStore);
  assert.equal(await store.currentRevision(), 0);
  await store.close();
});

test('openStore("etcd") needs an endpoint', async () => {
  await assert.rejects(openStore('etcd', { dataDir: '/nonexistent' }), (err: unknown) =>
    (err as { code?: string }).code === 'MISSING_ETCD_ENDPOINT');
});
