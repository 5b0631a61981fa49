// Opening the configured datastore. Only src/cli/ should need this; everything else takes
// a Store from its caller.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EtcdStore, type EtcdStoreOptions } from './etcd.js';
import { MemoryStore } from './memory.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite.js';
import { StorageError, type Store } from './store.js';

export type StoreKind = 'sqlite' | 'memory' | 'etcd';

export interface OpenStoreOptions {
  /** The server's data directory; the SQLite file lives at `<dataDir>/db/state.db`. */
  dataDir: string;
  /** Tuning for the SQLite backend (path excepted); each field documents its default. */
  sqlite?: Omit<SqliteStoreOptions, 'path'>;
  /** Where the etcd backend finds its cluster; required for kind 'etcd'. */
  etcd?: EtcdStoreOptions;
}

/** Asked for the etcd backend without saying where etcd is. */
export class MissingEtcdEndpointError extends StorageError {
  override readonly code = 'MISSING_ETCD_ENDPOINT';
  constructor() { super("store kind 'etcd' needs an etcd endpoint"); }
}

/** The SQLite file's place inside a data directory. */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, 'db', 'state.db');
}

export async function openStore(kind: StoreKind, opts: OpenStoreOptions): Promise<Store> {
  if (kind === 'memory') return new MemoryStore();
  if (kind === 'etcd') {
    if (!opts.etcd?.endpoint) throw new MissingEtcdEndpointError();
    return new EtcdStore(opts.etcd);
  }
  const path = sqlitePath(opts.dataDir);
  await mkdir(join(opts.dataDir, 'db'), { recursive: true, mode: 0o700 });
  return new SqliteStore({ ...opts.sqlite, path });
}

export { EtcdStore, type EtcdStoreOptions } from './etcd.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { SqliteStore, type SqliteStoreOptions, type SqliteStoreStats } from './sqlite.js';
export * from './store.js';
