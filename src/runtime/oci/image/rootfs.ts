// Container root filesystems: an overlayfs mount per container at
// <containers>/<id>/rootfs, with the image's snapshot chain as lowerdir (top first)
// and the container's own upper and work dirs, so writes never reach the snapshots.
// For a container in a user namespace the lowers are idmapped views of the snapshots
// instead of symlinks to them (see ../idmap.ts), detached again once the overlay holds
// them, and the upper is owned by its root.
import { chownSync, mkdirSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SnapshotError } from './errors.js';
import type { ImageRecord } from './image-records.js';
import type { IdmapTarget } from '../idmap.js';
import { MNT_DETACH, MountCallError, MountHelperUnavailableError, mountHelper } from './mount-helper.js';
import { mountOverlay, unmount } from './os-tools.js';
import type { Snapshotter } from './snapshotter.js';

interface ContainerMeta {
  imageId: string;
  chainIds: string[];
  readOnly: boolean;
  /** Lowers are idmapped mounts at l/<i> (to detach on release), not symlinks. */
  idmapped?: boolean;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Room for lowerdir paths in a page of mount options, beside the upper and work dirs. */
const MAX_DIRECT_LOWERS = 3800;

export class RootfsManager {
  constructor(private readonly dir: string, private readonly snapshots: Snapshotter) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async prepare(containerId: string, image: ImageRecord, readOnly: boolean, idmap?: IdmapTarget): Promise<{ rootfs: string }> {
    if (!ID.test(containerId)) throw new SnapshotError(`bad container id "${containerId}"`);
    const base = join(this.dir, containerId);
    const rootfs = join(base, 'rootfs');
    // A fresh container's directory cannot hold a mount yet: the mount table (long on a
    // busy node) is read only when the directory was already there.
    let fresh = true;
    try { mkdirSync(base); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      fresh = false;
    }
    if (!fresh && (await isMounted(rootfs))) return { rootfs };
    // Mount options must fit in one page: where the snapshots' own paths would not (or
    // hold the option syntax's own characters, which overlayfs would split on), the
    // lowerdirs are short symlinks l/0, l/1, ... (top first) resolved from cwd = base,
    // as Docker's overlay2 does (the kernel follows them once, at mount time). Idmapped
    // lowers are always mounts at l/<i>.
    const chain = [...image.chainIds].reverse();
    const direct = chain.map((c) => resolve(this.snapshots.path(c))); // absolute: cwd is base
    const viaLinks = idmap !== undefined || direct.join(':').length > MAX_DIRECT_LOWERS || direct.some((d) => /[,:\\]/.test(d));
    const lowers = viaLinks ? chain.map((_, i) => `l/${i}`) : direct;
    // Without an upper dir overlayfs wants two lowers; an empty one pads short chains.
    const pad = Math.max(0, (readOnly ? 2 : 1) - lowers.length);
    for (let i = 0; i < pad; i++) lowers.push('empty');
    let options = `index=off,lowerdir=${lowers.join(':')}`;
    if (!readOnly) options += ',upperdir=upper,workdir=work';
    // Record the chain before mounting so a gc running meanwhile keeps the snapshots.
    // A handful of tiny local operations on every container start: synchronous calls,
    // which cost microseconds where each threadpool round trip waits to be scheduled.
    const meta: ContainerMeta = { imageId: image.id, chainIds: image.chainIds, readOnly, ...(idmap ? { idmapped: true } : {}) };
    writeFileSync(join(base, 'meta.json'), JSON.stringify(meta));
    for (const d of ['rootfs', ...(viaLinks ? ['l'] : []), ...(pad > 0 ? ['empty'] : []), ...(readOnly ? [] : ['upper', 'work'])]) mkdirSync(join(base, d), { recursive: true });
    try {
      if (idmap) {
        await this.idmapLowers(base, chain, idmap);
        if (!readOnly) chownSync(join(base, 'upper'), idmap.uid, idmap.gid);
        if (pad > 0) chownSync(join(base, 'empty'), idmap.uid, idmap.gid);
      } else if (viaLinks) {
        chain.forEach((c, i) => {
          rmSync(join(base, 'l', String(i)), { force: true });
          symlinkSync(this.snapshots.path(c), join(base, 'l', String(i)));
        });
      }
      await mountOverlay(rootfs, options, base);
      // The overlay holds its own references to its layers: the idmapped views can go
      // at once, so none is left attached where a recursive delete could reach a snapshot.
      if (idmap) await detachLowers(base);
    } catch (e) {
      // A view that will not go leaves the directory to release(): a recursive delete
      // through it would empty the snapshot.
      if (idmap && !(await detachLowers(base).then(() => true, () => false))) throw e;
      await rm(base, { recursive: true, force: true });
      throw e;
    }
    return { rootfs };
  }

  /** l/<i>: an idmapped view of each snapshot of the chain (top first). */
  private async idmapLowers(base: string, chain: string[], idmap: IdmapTarget): Promise<void> {
    await detachLowers(base); // left by a prepare that was cut short
    for (let i = 0; i < chain.length; i++) {
      const target = join(base, 'l', String(i));
      rmSync(target, { force: true });
      mkdirSync(target);
      try {
        await mountHelper.idmapClone(idmap.userns, this.snapshots.path(chain[i]!), target);
      } catch (e) {
        const why = e instanceof MountCallError ? `${e.code}: ${e.message}` : (e as Error).message;
        throw new SnapshotError(`idmapped layer for a user namespace failed (needs kernel 5.19+): ${why}`, { cause: e });
      }
    }
  }

  async release(containerId: string): Promise<void> {
    if (!ID.test(containerId)) throw new SnapshotError(`bad container id "${containerId}"`);
    const base = join(this.dir, containerId);
    const rootfs = join(base, 'rootfs');
    // unmount() of what is not mounted is a no-op, so the mount table is read once, to check.
    await unmount(rootfs);
    if (await isMounted(rootfs)) throw new SnapshotError(`${rootfs} is still mounted`);
    // Before any recursive delete: an attached idmapped lower is the snapshot itself.
    await detachLowers(base);
    await rm(base, { recursive: true, force: true });
  }

  /** Chains used by containers that still have a root prepared. */
  async referencedChains(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const id of await readdir(this.dir).catch(() => [] as string[])) {
      try {
        const meta = JSON.parse(await readFile(join(this.dir, id, 'meta.json'), 'utf8')) as ContainerMeta;
        for (const c of meta.chainIds) out.add(c);
      } catch {
        /* half-made or being removed */
      }
    }
    return out;
  }
}

/**
 * Detaches idmapped lowers at <base>/l/<i> and removes their mount points. Symlinked
 * lowers are left for the caller's recursive delete.
 */
async function detachLowers(base: string): Promise<void> {
  const l = join(base, 'l');
  const dirs: string[] = [];
  for (const name of await readdir(l).catch(() => [] as string[])) {
    const p = join(l, name);
    if ((await lstat(p)).isDirectory()) dirs.push(p);
  }
  await detachAndRemove(dirs);
}

/**
 * Lazily detaches each path's mount, if it has one, and removes the path with rmdir or
 * unlink, never recursively: both refuse a mount point (EBUSY), so a view still attached
 * is never deleted through, and no mount table is read (it is long on a busy node).
 */
export async function detachAndRemove(paths: string[]): Promise<void> {
  for (const p of paths) {
    for (let i = 0; ; i++) {
      await detach(p);
      try {
        if ((await lstat(p)).isDirectory()) rmdirSync(p); else unlinkSync(p);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY' || i >= 3) throw new SnapshotError(`cannot remove ${p}: ${(e as Error).message}`, { cause: e });
      }
    }
  }
}

/** umount2(MNT_DETACH); "not a mount point" is fine. */
async function detach(p: string): Promise<void> {
  try {
    await mountHelper.umount(p, MNT_DETACH);
  } catch (e) {
    if (e instanceof MountHelperUnavailableError) await unmount(p);
  }
}

/**
 * Whether a path is a mount point. A path on another device than its directory is one:
 * two stats, where the mount table (read for every sandbox of every listing) grows with
 * each pod. Only a bind mount within one filesystem looks like its directory; for that
 * case, and for a path not mounted, /proc/self/mountinfo (octal escapes decoded) answers.
 */
export async function isMounted(path: string): Promise<boolean> {
  const [self, parent] = await Promise.all([stat(path).catch(() => null), stat(dirname(path)).catch(() => null)]);
  if (!self) return false;
  if (parent && self.dev !== parent.dev) return true;
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4 && f[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) === path) return true;
  }
  return false;
}
