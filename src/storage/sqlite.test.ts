import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from './contract.js';
import { SqliteStore } from './sqlite.js';

runStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-sqlite-'));
  const path = join(dir, 'state.db');
  return {
    store: new SqliteStore({ path }),
    reopen: async () => new SqliteStore({ path }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
