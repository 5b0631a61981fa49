// Garbage collection and disk usage. Roots are the image records (manifest, index,
// config and layer blobs; chain snapshots) and the containers' recorded chains.
import { readdir, lstat, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentStore } from './content-store.js';
import type { ImageRecord } from './image-records.js';
import type { Snapshotter } from './snapshotter.js';

export interface GcResult {
  blobsRemoved: number;
  snapshotsRemoved: number;
  bytesFreed: number;
}

// Partial downloads are kept this long for a resume before gc may take them.
const PARTIAL_GRACE_MS = 60 * 60 * 1000;

/** What must stay: image records, container roots, and leases of running pulls. */
export interface GcRoots {
  images: ImageRecord[];
  containerChains: Set<string>;
  leased: Set<string>;
}

/**
 * `roots` is read only after the store has been listed: anything a concurrent pull
 * stores is leased first, so it is either missing from the listing or in the roots.
 */
export async function collectGarbage(roots: () => Promise<GcRoots>, content: ContentStore, snapshots: Snapshotter): Promise<GcResult> {
  const listedBlobs = await content.list();
  const listedChains = await snapshots.list();
  const { images, containerChains, leased } = await roots();
  const blobs = new Set<string>(leased);
  const chains = new Set<string>([...containerChains, ...leased]);
  for (const r of images) {
    blobs.add(r.id).add(r.manifestDigest);
    if (r.indexDigest) blobs.add(r.indexDigest);
    for (const l of r.layers) blobs.add(l.digest);
    for (const b of r.blobs ?? []) blobs.add(b);
    for (const c of r.chainIds) chains.add(c);
  }
  const result: GcResult = { blobsRemoved: 0, snapshotsRemoved: 0, bytesFreed: 0 };
  for (const d of listedBlobs) {
    if (blobs.has(d)) continue;
    result.bytesFreed += (await stat(content.path(d)).catch(() => ({ size: 0 }))).size;
    await content.delete(d);
    result.blobsRemoved++;
  }
  for (const c of listedChains) {
    if (chains.has(c)) continue;
    result.bytesFreed += await treeSize(join(snapshots.dir, c.slice(7)));
    await snapshots.remove(c);
    result.snapshotsRemoved++;
  }
  await snapshots.removeStaleTemps();
  const now = Date.now();
  for (const n of await readdir(content.ingestDir).catch(() => [] as string[])) {
    const p = join(content.ingestDir, n);
    const st = await stat(p).catch(() => undefined);
    if (st && now - st.mtimeMs > PARTIAL_GRACE_MS) await rm(p, { force: true });
  }
  return result;
}

export async function diskUsage(content: ContentStore, snapshots: Snapshotter): Promise<{ blobs: number; snapshots: number }> {
  return { blobs: await treeSize(content.blobsDir), snapshots: await treeSize(snapshots.dir) };
}

/** Apparent size of a tree, counting each hard-linked inode once. */
export async function treeSize(dir: string, seen = new Set<number>()): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(p, seen);
    else {
      const st = await lstat(p).catch(() => undefined);
      if (!st || seen.has(st.ino)) continue;
      seen.add(st.ino);
      total += st.size;
    }
  }
  return total;
}
