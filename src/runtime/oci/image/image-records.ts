// Image metadata persisted as one small JSON file per image under <root>/images, so
// another process (a restarted agent, `k8ts ctr`) sees what this one pulled. Writes
// go to a temp file and are renamed into place: a reader never sees half a record.
import { randomBytes } from 'node:crypto';
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

export class ImageRecords {
  readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'images');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async list(): Promise<ImageRecord[]> {
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
    return out.sort((a, b) => a.id.localeCompare(b.id));
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
    await rename(tmp, join(this.dir, `${digestHex(rec.id)}.json`));
  }

  async delete(id: string): Promise<void> {
    await rm(join(this.dir, `${digestHex(id)}.json`), { force: true });
  }
}
