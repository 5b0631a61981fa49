// Read-only snapshots, one per layer chain: <root>/snapshots/<chainID hex>/fs holds
// exactly one layer's files (whiteouts in overlay form), and a container's lowerdir
// is its image's chain of them, top first. Images sharing a chain prefix share those
// directories. A snapshot is unpacked into a temp dir and renamed into place, so a
// reader never sees half of one, and concurrent unpacks of one chain do the work once.
import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openUncompressed, uncompressStream } from './decompress.js';
import { digestHex } from './digest.js';
import { DigestMismatchError } from './errors.js';
import { LayerApplier } from './layer-apply.js';
import { readTar } from './tar-reader.js';

/** The layer's bytes as they download, so unpacking need not wait for the file. */
export interface LayerStream {
  chunks: AsyncIterable<Buffer>;
  /** Stop reading; the download goes on without us. */
  abandon(): void;
  /** Settles when the blob is verified and in the store (rejects if it never will be). */
  downloaded: Promise<void>;
}

export interface LayerToUnpack {
  chainId: string;
  diffId: string;
  /** Path of the (possibly compressed) layer blob. */
  blobPath: string;
  /** Unpack from this while the blob downloads; the file is the fallback. */
  stream?: LayerStream;
}

export class Snapshotter {
  readonly dir: string;
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(root: string) {
    this.dir = join(root, 'snapshots');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** The directory holding a chain's files (a lowerdir). */
  path(chainId: string): string {
    return join(this.dir, digestHex(chainId), 'fs');
  }

  async has(chainId: string): Promise<boolean> {
    // One stat per layer on every container start: synchronous (see leases.ts).
    try { statSync(this.path(chainId)); return true; } catch { return false; }
  }

  /** Unpack the layer for this chain unless it is there already. */
  ensure(layer: LayerToUnpack): Promise<void> {
    const running = this.inflight.get(layer.chainId);
    if (running) {
      layer.stream?.abandon();
      return running;
    }
    const p = this.unpackOnce(layer).finally(() => this.inflight.delete(layer.chainId));
    this.inflight.set(layer.chainId, p);
    return p;
  }

  private async unpackOnce(layer: LayerToUnpack): Promise<void> {
    if (await this.has(layer.chainId)) {
      layer.stream?.abandon();
      return;
    }
    const s = layer.stream;
    if (s) {
      try {
        // Publish only once the compressed blob is verified too.
        await this.unpack(layer, async () => uncompressStream(s.chunks), () => s.downloaded);
        return;
      } catch {
        // Streaming is only a shortcut: any trouble (a restarted download, zstd, a
        // download that fails) sends us to the file, which reports real errors.
        s.abandon();
        await s.downloaded;
      }
    }
    await this.unpack(layer, () => openUncompressed(layer.blobPath), async () => undefined);
  }

  private async unpack(layer: LayerToUnpack, open: () => Promise<AsyncIterable<Buffer>>, beforePublish: () => Promise<void>): Promise<void> {
    const tmp = join(this.dir, `tmp-${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(join(tmp, 'fs'), { recursive: true, mode: 0o755 });
      // Hash the uncompressed stream as the tar reader consumes it: the diff ID.
      const hash = createHash('sha256');
      const source = await open();
      async function* hashed(): AsyncGenerator<Buffer> {
        for await (const c of source) {
          hash.update(c);
          yield c;
        }
      }
      await new LayerApplier(join(tmp, 'fs')).apply(readTar(hashed()));
      const diffId = `sha256:${hash.digest('hex')}`;
      if (diffId !== layer.diffId) throw new DigestMismatchError(layer.diffId, diffId, 'uncompressed layer vs rootfs.diff_ids');
      await writeFile(join(tmp, 'meta.json'), JSON.stringify({ chainId: layer.chainId, diffId: layer.diffId }));
      await beforePublish();
      try {
        await rename(tmp, join(this.dir, digestHex(layer.chainId)));
      } catch (e) {
        // Another process finished the same chain first: theirs is as good as ours.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /** Remove a snapshot and any temp dirs abandoned by crashed unpacks. */
  async remove(chainId: string): Promise<void> {
    const target = join(this.dir, digestHex(chainId));
    // Rename first so a concurrent mount never sees a half-deleted tree under its name.
    const doomed = join(this.dir, `tmp-rm-${randomBytes(8).toString('hex')}`);
    try {
      await rename(target, doomed);
    } catch {
      return;
    }
    await rm(doomed, { recursive: true, force: true });
  }

  /**
   * Remove temp dirs left by crashed unpacks and removals. Another process may be
   * unpacking into one right now, so only those older than `graceMs` go.
   */
  async removeStaleTemps(graceMs = 60 * 60 * 1000): Promise<void> {
    const now = Date.now();
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      if (!n.startsWith('tmp-')) continue;
      const st = await stat(join(this.dir, n)).catch(() => undefined);
      if (st && (n.startsWith('tmp-rm-') || now - st.mtimeMs > graceMs)) await rm(join(this.dir, n), { recursive: true, force: true });
    }
  }
}
