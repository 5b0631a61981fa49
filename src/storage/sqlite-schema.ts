// The SQLite layout, after k3s' kine: one append-only log whose AUTOINCREMENT id is the
// revision. Every write appends a row; a delete appends a tombstone that carries the
// key's last value (so a delete event can say what was deleted). "The key's state at
// revision R" is the row with the highest id <= R for that name, found through the
// (name, id) index. AUTOINCREMENT (not plain rowid) matters: it never hands out an id
// again, even after compaction removes the newest row, so revisions are never reused.

import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface OpenOptions {
  path: string;
  /** Hold the file's lock for this connection's lifetime (no second writer process). */
  exclusive: boolean;
  /** WAL bytes kept on disk after a checkpoint. */
  walSizeLimitBytes: number;
  /** How long to wait for another connection's lock before failing, in ms. */
  busyTimeoutMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

export function openDatabase(opts: OpenOptions): Db {
  const db = new Database(opts.path, { timeout: opts.busyTimeoutMs });
  try {
    // Must precede the first table so freed pages can be given back after compaction.
    db.pragma('auto_vacuum = INCREMENTAL');
    if (opts.exclusive) db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // NORMAL: a commit does not fsync, SqliteStore does it off the event loop before it
    // acknowledges (wal-sync.ts), so an acknowledged write still survives power loss;
    // SQLite itself syncs around checkpoints.
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${Math.max(0, Math.floor(opts.walSizeLimitBytes))}`);
    db.pragma('temp_store = MEMORY');
    db.exec(SCHEMA);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** A row of kv as the statements return it. */
export interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

/** A log row joined with the row it replaced (for a watch event's prevKv). */
export interface EventRow extends Row {
  prev_value: string | null;
  prev_create_revision: number | null;
}

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value';

// SQLite orders every TEXT value before every BLOB, so an empty BLOB is an upper bound
// above every key: one statement serves both bounded and unbounded prefixes.
export const NO_UPPER_BOUND = Buffer.alloc(0);

export function prepare(db: Db) {
  return {
    latest: db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`),
    at: db.prepare<[string, number], Row>(`SELECT ${COLUMNS} FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`),
    insert: db.prepare<[number, string, number, number, number, number, string]>(
      'INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    // Live keys in [lo, hi) as of rev: rows that are the newest for their name at rev and not tombstones.
    range: db.prepare<{ lo: string; hi: string | Buffer; rev: number; limit: number }, Row>(
      `SELECT ${COLUMNS} FROM kv AS a
       WHERE a.name >= @lo AND a.name < @hi AND a.id <= @rev AND a.deleted = 0
         AND a.id = (SELECT MAX(b.id) FROM kv AS b WHERE b.name = a.name AND b.id <= @rev)
       ORDER BY a.name LIMIT @limit`),
    count: db.prepare<{ lo: string; hi: string | Buffer }, { n: number }>(
      `SELECT COUNT(*) AS n FROM kv AS a
       WHERE a.name >= @lo AND a.name < @hi AND a.deleted = 0
         AND a.id = (SELECT MAX(b.id) FROM kv AS b WHERE b.name = a.name)`),
    // Walks the log by id from `after` (the unary + keeps SQLite off the name index, which
    // would visit every live key under a broad prefix and sort them on each chunk): rows
    // above the compacted revision are few, live keys may be many.
    eventsAfter: db.prepare<{ after: number; lo: string; hi: string | Buffer; limit: number }, EventRow>(
      `SELECT a.id, a.name, a.created, a.deleted, a.create_revision, a.prev_revision, a.value,
              p.value AS prev_value, p.create_revision AS prev_create_revision
       FROM kv AS a LEFT JOIN kv AS p ON p.id = a.prev_revision AND a.created = 0
       WHERE a.id > @after AND +a.name >= @lo AND +a.name < @hi
       ORDER BY a.id LIMIT @limit`),
    // Compaction of (lo, hi]: each row there supersedes its prev_revision row; tombstones go too.
    compactSuperseded: db.prepare<[number, number]>(
      'DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > ? AND id <= ? AND prev_revision > 0)'),
    compactTombstones: db.prepare<[number, number]>('DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1'),
    sequence: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'kv'"),
    rowCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM kv'),
    getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
    setMeta: db.prepare<[string, number]>(
      'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
  };
}

export type Statements = ReturnType<typeof prepare>;
