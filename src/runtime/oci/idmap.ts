// Files for containers in a user namespace. Image layers, sandbox files and volumes are
// owned by host ids (mostly host root), which a user namespace shows as the overflow id
// (nobody) and will not let its root write. Rather than chown a copy of every image per
// id range, the kernel shifts ids at the mount: an idmapped mount of a tree, made with
// the sandbox's own user namespace, shows host id N as container id N, so container
// root owns what host root owns, and a file container uid 1000 writes lands on disk as
// uid 1000 (volumes stay shareable between pods of different ranges, as in Kubernetes).
// The overlay's upper directory is not idmapped (overlayfs writes its work dir with the
// mounter's ids, which such a mount cannot represent): it is owned by the range's host
// root, so what the container writes there carries its mapped host ids. The views live
// only while they are needed: the overlay and the OCI runtime's bind mounts keep their
// own references, so they are detached as soon as the container is created.

import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { OciRuntimeError, type UserNamespace } from '../cri.js';
import { MountCallError, mountHelper } from './image/mount-helper.js';
import { detachAndRemove } from './image/rootfs.js';

/** What an id-shifted root filesystem needs: the namespace to shift through and its root's host ids. */
export interface IdmapTarget {
  /** An nsfs file of the user namespace (the sandbox's bind-mounted ns/user). */
  userns: string;
  /** Host uid and gid that are root inside. */
  uid: number;
  gid: number;
}

/** The kernel refused an idmapped mount (too old, or a filesystem without support). */
export class IdmapError extends OciRuntimeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdmapError';
  }
}

/** Host ids of the namespace's root (container ids 0), or undefined when 0 is not mapped. */
export function hostRoot(ns: UserNamespace): { uid: number; gid: number } | undefined {
  const find = (m: UserNamespace['uids']) => m.find((x) => x.containerId === 0)?.hostId;
  const uid = find(ns.uids), gid = find(ns.gids);
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

/**
 * An idmapped view of `source` attached at `target`, which is created (an empty file
 * for a file source, a directory otherwise). Synchronous mkdirs: tiny and local.
 */
export async function idmapClone(userns: string, source: string, target: string): Promise<void> {
  // open_tree follows a symbolic link, and so does this stat.
  if (statSync(source).isDirectory()) mkdirSync(target, { recursive: true }); else writeFileSync(target, '');
  try {
    await mountHelper.idmapClone(userns, source, target);
  } catch (e) {
    const why = e instanceof MountCallError ? `${e.code}: ${e.message}` : (e as Error).message;
    throw new IdmapError(`cannot make an idmapped mount of ${source} (kernel 5.12+ and a filesystem that supports them are needed): ${why}`, { cause: e });
  }
}

/** A bind mount of the OCI spec (only its source matters here). */
export interface BindSource { type?: string; source?: string; destination: string }

/**
 * Replaces the source of every bind mount with an idmapped view of it under `dir`
 * (<dir>/0, <dir>/1, ...), so the container's users own their volumes and sandbox files
 * as host users own them. On failure the views made so far are removed.
 */
export async function idmapBindMounts(dir: string, userns: string, mounts: BindSource[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  try {
    let n = 0;
    for (const m of mounts) {
      if (m.type !== 'bind' || !m.source) continue;
      // A missing source stays as it is: the OCI runtime names it in its error.
      if (!existsSync(m.source)) continue;
      const target = join(dir, String(n++));
      await idmapClone(userns, m.source, target);
      m.source = target;
    }
  } catch (e) {
    await releaseIdmapped(dir).catch(() => {});
    throw e;
  }
}

/**
 * Detaches every idmapped view under `dir` and removes their mount points and `dir`.
 * Never a recursive delete: a view still attached would be the volume or layer itself,
 * so each entry is removed with rmdir/unlink, which refuse a mount point.
 */
export async function releaseIdmapped(dir: string): Promise<void> {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  // Detached lazily: the OCI runtime's copy of the tree may still hold one for a moment.
  await detachAndRemove(names.map((n) => join(dir, n)));
  rmdirSync(dir);
}

/**
 * Gives the range's root the mount points (and their parents) that host root has just
 * made in a container's root filesystem (mountpoints.ts): through the idmapped layers
 * everything else there already shows as the container's root, and a directory such as
 * /var/run/secrets left to host root would be nobody's inside. Only entries owned by
 * host uid 0 change; a symlink on the way ends the walk, as it does when making them.
 */
export function chownMountPoints(rootfs: string, destinations: string[], owner: { uid: number; gid: number }): void {
  for (const dest of destinations) {
    const parts = normalize(dest).split('/').filter(Boolean);
    if (parts.length === 0 || parts.includes('..') || /^(proc|sys|dev)$/.test(parts[0]!)) continue;
    let cur = rootfs;
    for (const part of parts) {
      cur = join(cur, part);
      let st;
      try { st = lstatSync(cur); } catch { break; }
      if (st.isSymbolicLink()) break;
      if (st.uid === 0) try { chownSync(cur, owner.uid, owner.gid); } catch { /* left as it is: the container sees nobody's */ }
    }
  }
}

const searchable = new Set<string>();

/**
 * The OCI runtime mounts a userns container's root and binds its files as the mapped
 * root, whose host uid is nobody to the directories on the way: each directory from `/`
 * down to these paths gets the search bit for others (o+x: names can be followed, not
 * listed), as a private temporary data dir (0700) would otherwise refuse them. Each
 * directory is looked at once per process.
 */
export function ensureSearchable(paths: string[]): void {
  for (const p of paths) {
    let dir = dirname(p);
    const chain: string[] = [];
    while (!searchable.has(dir)) {
      chain.push(dir);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of chain) {
      const st = statSync(d);
      if ((st.mode & 0o001) === 0) chmodSync(d, (st.mode & 0o7777) | 0o001);
      searchable.add(d);
    }
  }
}
