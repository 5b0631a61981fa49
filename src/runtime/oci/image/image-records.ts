// Image metadata persisted as one small JSON file per image under <root>/images, so
// another process (a restarted agent, `k8ts ctr`) sees what this one pulled. Writes
// go to a temp file and are renamed into place: a reader never sees half a record.
//
// Every container create looks its image up (twice: resolve, then the rootfs), so the
// parsed records are kept while the directory's mtime says nothing was added, replaced
// or removed since they were read, by this process or another.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex } from './digest.js';
import type { Descriptor, OciImageConfig, Platform } from './media-types.js';

export interface ImageRecord {
  /** The config digest: the image ID. */
  id: string;
  manifestDigest: string;
  manifestMediaType: string;
  /** Set when the image was chosen from an index (multi-arch); repoDigests use it. */
  indexDigest?: string;
  repoTags: string[];
  repoDigests: string[];
  layers: Descriptor[];
  diffIds: string[];
  chainIds: string[];
  /** Bytes of manifest, config and (compressed) layers. */
  size: number;
  config: OciImageConfig;
  platform: Platform;
  created?: string;
  /**
   * Every blob this image was ever recorded with (manifests, index, config, layers):
   * the same image pulled as OCI and as Docker schema 2 has two manifests, and gc
   * keeps both so both repoDigests stay resolvable.
   */
  blobs: string[];
}

/**
 * Directory timestamps come from a coarse clock (a kernel tick, up to 10 ms): a change in
 * the same tick as the read that filled the cache would leave mtime as it was. A listing
 * is therefore kept only once the directory has been still for longer than that.
 */
const STILL_NS = 50_000_000n;

export class ImageRecords {
  readonly dir: string;
  /** Records as of the directory's mtime `mtimeNs`; frozen, since every caller shares them. */
  private cached: { mtimeNs: bigint; records: readonly ImageRecord[] } | null = null;

  constructor(root: string) {
    this.dir = join(root, 'images');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async list(): Promise<ImageRecord[]> {
    // mtime before the names: a change while we read moves it past what we keep.
    const mtimeNs = this.mtimeNs();
    if (mtimeNs !== undefined && this.cached?.mtimeNs === mtimeNs) return [...this.cached.records];
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: ImageRecord[] = [];
    for (const n of names) {
      if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
      try {
        out.push(JSON.parse(await readFile(join(this.dir, n), 'utf8')) as ImageRecord);
      } catch {
        // Removed while we listed, or written by a crashed process: skip it.
      }
    }
    out.sort((a, b) => a.id.localeCompare(b.id));
    const still = mtimeNs !== undefined && BigInt(Date.now()) * 1_000_000n - mtimeNs > STILL_NS;
    this.cached = still ? { mtimeNs, records: out.map(deepFreeze) } : null;
    return [...out];
  }

  private mtimeNs(): bigint | undefined {
    try { return statSync(this.dir, { bigint: true }).mtimeNs; } catch { return undefined; }
  }

  async read(id: string): Promise<ImageRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, `${digestHex(id)}.json`), 'utf8')) as ImageRecord;
    } catch {
      return undefined;
    }
  }

  async write(rec: ImageRecord): Promise<void> {
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    await writeFile(tmp, JSON.stringify(rec, null, 1));
    this.cached = null;
    await rename(tmp, join(this.dir, `${digestHex(rec.id)}.json`));
    this.cached = null;
  }

  async delete(id: string): Promise<void> {
    this.cached = null;
    await rm(join(this.dir, `${digestHex(id)}.json`), { force: true });
    this.cached = null;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
