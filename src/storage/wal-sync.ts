// Making SQLite's commits durable without blocking the event loop. The connection runs
// with synchronous=NORMAL, so a COMMIT writes the WAL frames to the page cache and
// returns without an fsync; this class then fdatasyncs the WAL file from libuv's thread
// pool and reports each commit durable once an fsync that began after it has finished.
// Together that is synchronous=FULL's guarantee (an acknowledged write survives power
// loss) while the loop goes on parsing, validating and committing the next batch; and
// one fsync covers every commit made while the previous one ran. (NORMAL still has
// SQLite sync the WAL before a checkpoint copies it and the database after, which is
// what keeps a checkpoint or a WAL restart from losing frames already made durable.)

import { open, type FileHandle } from 'node:fs/promises';

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class WalSyncError extends Error {
  constructor(readonly path: string, options?: { cause?: unknown }) {
    super(`fsync of ${path} failed: the datastore cannot promise durability and accepts no more writes`, options);
    this.name = 'WalSyncError';
  }
}

export class WalSync {
  private file: FileHandle | undefined;
  private waiting: Waiter[] = [];
  private running: Promise<void> | undefined;
  private failed: WalSyncError | undefined;

  /** @param path the WAL file (`<database>-wal`); it exists once the first write transaction ran. */
  constructor(private readonly path: string) {}

  /** Whether an fsync has failed (then every later call rejects too). */
  get broken(): WalSyncError | undefined {
    return this.failed;
  }

  /** Call right after a commit returned: resolves once that commit is on disk, in commit order. */
  durable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.running ??= this.run();
    });
  }

  /** Resolves when every commit reported so far has been made durable (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    await this.drain();
    const f = this.file;
    this.file = undefined;
    await f?.close();
  }

  private async run(): Promise<void> {
    try {
      while (this.waiting.length > 0 && !this.failed) {
        // Everyone waiting now committed before this fsync starts, so it covers them all.
        const batch = this.waiting;
        this.waiting = [];
        try {
          this.file ??= await open(this.path, 'r');
          // fdatasync, as SQLite itself syncs on Linux: the data and the size, not the timestamps.
          await this.file.datasync();
        } catch (err) {
          this.failed = new WalSyncError(this.path, { cause: err });
          for (const w of [...batch, ...this.waiting]) w.reject(this.failed);
          this.waiting = [];
          return;
        }
        for (const w of batch) w.resolve();
      }
    } finally {
      this.running = undefined;
    }
  }
}
