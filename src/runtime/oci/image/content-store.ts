// Blobs addressed by digest under <root>/blobs/sha256/<hex>. Content is written to a
// file under <root>/ingest while it is hashed, and only renamed into blobs/ when the
// digest and size match, so blobs/ never holds anything unverified. An interrupted
// download leaves its partial file in ingest/ so the next attempt can resume it.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, sha256Digest } from './digest.js';
import { DigestMismatchError } from './errors.js';
import { tryLock } from './file-lock.js';

export class ContentStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(root: string) {
    this.blobsDir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
  }

  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
  }

  path(digest: string): string {
    return join(this.blobsDir, digestHex(digest));
  }

  async has(digest: string, size?: number): Promise<boolean> {
    try {
      const st = await stat(this.path(digest));
      return size === undefined || st.size === size;
    } catch {
      return false;
    }
  }

  async read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  /** Store a buffer; with `expected`, refuse it unless it hashes to that digest. */
  async put(data: Buffer, expected?: string): Promise<string> {
    const digest = sha256Digest(data);
    if (expected !== undefined && expected !== digest) throw new DigestMismatchError(expected, digest);
    if (await this.has(digest, data.length)) return digest;
    const tmp = join(this.ingestDir, `put-${randomBytes(8).toString('hex')}`);
    await writeFile(tmp, data);
    await rename(tmp, this.path(digest));
    return digest;
  }

  /**
   * Stream content of unknown digest in; returns its digest and size once stored.
   * `beforeStore` learns the digest before the blob appears in blobs/ (to lease it).
   */
  async putStream(source: AsyncIterable<Buffer>, beforeStore?: (digest: string) => Promise<void>): Promise<{ digest: string; size: number }> {
    const w = await Ingest.openTemp(this);
    try {
      for await (const c of source) await w.write(c);
      return await w.commit(undefined, undefined, beforeStore);
    } finally {
      await w.abort(false);
    }
  }

  /**
   * Open (or reopen, to resume) the ingest of a blob of known digest. The returned
   * writer's `offset` is how many bytes are already there.
   */
  async openIngest(digest: string): Promise<Ingest> {
    return Ingest.open(this, digest);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.blobsDir)).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
    } catch {
      return [];
    }
  }
}

// Writes are gathered into runs of this many bytes: one writev per MiB instead of one
// write per 64 KiB socket chunk keeps the libuv pool free for the layer unpacking
// that runs beside downloads.
const FLUSH_BYTES = 1024 * 1024;

/** One blob being written. Exactly one of commit() or abort() finishes it. */
export class Ingest {
  private finished = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(
    private readonly store: ContentStore,
    private readonly digest: string | undefined,
    private readonly file: string,
    private readonly lock: string | undefined,
    private fh: FileHandle,
    private hash: Hash,
    public offset: number,
  ) {}

  static async openTemp(store: ContentStore): Promise<Ingest> {
    const file = join(store.ingestDir, `tmp-${randomBytes(8).toString('hex')}`);
    return new Ingest(store, undefined, file, undefined, await open(file, 'w'), createHash('sha256'), 0);
  }

  static async open(store: ContentStore, digest: string): Promise<Ingest> {
    const hex = digestHex(digest);
    // The lock keeps two processes from appending to one partial file. If another live
    // process holds it, we download into a private file instead (no resume, still safe).
    const lock = join(store.ingestDir, `${hex}.lock`);
    let file = join(store.ingestDir, `${hex}.partial`);
    let lockHeld: string | undefined;
    if (await tryLock(lock)) lockHeld = lock;
    else file = join(store.ingestDir, `${hex}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
    const hash = createHash('sha256');
    let offset = 0;
    try {
      // Re-hash what an earlier attempt left so the digest covers the whole blob.
      for await (const c of createReadStream(file)) {
        hash.update(c as Buffer);
        offset += (c as Buffer).length;
      }
    } catch {
      offset = 0;
    }
    const fh = await open(file, offset > 0 ? 'a' : 'w');
    return new Ingest(store, digest, file, lockHeld, fh, hash, offset);
  }

  /** Start over (the server ignored our Range request). */
  async truncate(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    await this.fh.truncate(0);
    await this.fh.close();
    this.fh = await open(this.file, 'w');
    this.hash = createHash('sha256');
    this.offset = 0;
  }

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.offset += chunk.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let done = 0;
    while (done < data.length) done += (await this.fh.write(data, done, data.length - done)).bytesWritten;
  }

  /** Verify and move into blobs/. On mismatch the partial file is deleted. */
  async commit(expectedOrSize?: string | number, size?: number, beforeStore?: (digest: string) => Promise<void>): Promise<{ digest: string; size: number }> {
    const expected = typeof expectedOrSize === 'string' ? expectedOrSize : this.digest;
    const wantSize = typeof expectedOrSize === 'number' ? expectedOrSize : size;
    const actual = `sha256:${this.hash.digest('hex')}`;
    this.finished = true;
    try {
      await this.flush();
      await this.fh.close();
      if (wantSize !== undefined && this.offset !== wantSize) {
        throw new DigestMismatchError(expected ?? actual, actual, `size ${this.offset}, expected ${wantSize}`);
      }
      if (expected !== undefined && expected !== actual) throw new DigestMismatchError(expected, actual);
      await beforeStore?.(actual);
      await rename(this.file, this.store.path(actual));
      return { digest: actual, size: this.offset };
    } catch (e) {
      await this.fh.close().catch(() => undefined); // already closed unless flush failed
      await rm(this.file, { force: true });
      throw e;
    } finally {
      await this.release();
    }
  }

  /** Stop writing; keepPartial leaves the bytes for a later resume. */
  async abort(keepPartial: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    // What was hashed must be what is on disk for a resume to re-hash it right.
    if (keepPartial) await this.flush().catch(() => undefined);
    await this.fh.close().catch(() => undefined);
    if (!keepPartial || this.lock === undefined) await rm(this.file, { force: true });
    await this.release();
  }

  private async release(): Promise<void> {
    if (this.lock !== undefined) await unlink(this.lock).catch(() => undefined);
  }
}
