// Leases protect what a running pull or import has fetched but not yet recorded from
// a gc in another process (in this process the SharedLock already does). A lease is
// a small file under <root>/leases naming the digests and chains it holds and the pid
// holding them; it is written *before* the content it names is stored, and gc reads
// leases *after* listing the store, so gc either sees the content's lease or does not
// see the content. Leases of dead processes are ignored and removed.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pidAlive } from './file-lock.js';

interface LeaseFile {
  pid: number;
  refs: string[];
}

export class Lease {
  private readonly refs = new Set<string>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  /** Hold these digests / chain IDs; resolves once the lease file says so. */
  add(...refs: string[]): Promise<void> {
    const fresh = refs.filter((r) => !this.refs.has(r));
    if (fresh.length === 0) return this.writing;
    for (const r of fresh) this.refs.add(r);
    const body: LeaseFile = { pid: process.pid, refs: [...this.refs] };
    // A small local file, written on every container start: synchronously, since a
    // threadpool round trip costs more than the write on a loaded node.
    this.writing = this.writing.then(() => {
      const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, JSON.stringify(body));
      renameSync(tmp, this.path);
    });
    return this.writing;
  }

  async release(): Promise<void> {
    await this.writing.catch(() => undefined);
    rmSync(this.path, { force: true });
  }
}

export class Leases {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'leases');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  create(): Lease {
    return new Lease(join(this.dir, `${process.pid}-${randomBytes(6).toString('hex')}.json`));
  }

  /** Run fn under a fresh lease, released however fn ends. */
  async with<T>(fn: (lease: Lease) => Promise<T>): Promise<T> {
    const lease = this.create();
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }

  /** Everything held by live processes; files of dead ones are deleted. */
  async held(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      if (!n.endsWith('.json')) continue;
      const p = join(this.dir, n);
      let lease: LeaseFile;
      try {
        lease = JSON.parse(await readFile(p, 'utf8')) as LeaseFile;
      } catch {
        continue; // released while we read
      }
      if (!pidAlive(lease.pid)) {
        await rm(p, { force: true });
        continue;
      }
      for (const r of lease.refs) out.add(r);
    }
    return out;
  }
}
