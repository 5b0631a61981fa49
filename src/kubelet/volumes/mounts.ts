// tmpfs mounts for memory-backed volumes (emptyDir medium Memory, secrets, projected
// and downward API volumes, as in Kubernetes), found again through /proc/mounts so a
// restarted kubelet can tear down what an earlier one set up.

import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class MountCommandError extends Error {
  constructor(readonly command: string, readonly target: string, readonly stderr: string, options?: { cause?: unknown }) {
    super(`${command} ${target} failed: ${stderr.trim() || 'unknown error'}`, options);
    this.name = 'MountCommandError';
  }
}

/** /proc/mounts escapes space, tab, newline and backslash as octal (\040 ...). */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Every mount point on the host, in mount order. */
export async function listMountPoints(procMounts = '/proc/mounts'): Promise<string[]> {
  const text = await readFile(procMounts, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => unescapeMountField(l.split(' ')[1] ?? ''));
}

/** Mount points at or below dir, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const root = path.resolve(dir);
  const all = await listMountPoints();
  return all.filter((m) => m === root || m.startsWith(root + '/')).sort((a, b) => b.length - a.length);
}

/**
 * Whether dir is a mount point. A directory on another device than its parent is one
 * (every tmpfs volume, each sync of each pod): two stats instead of the mount table,
 * which grows with every pod and cost a 110-pod node a fifth of a core to re-read. Only
 * a bind mount within one filesystem looks like its parent; the table settles that.
 */
export async function isMountPoint(dir: string): Promise<boolean> {
  const target = path.resolve(dir);
  const { self, parent } = await devicesOf(target);
  if (self === null) return false;
  if (parent !== null && self !== parent) return true;
  return (await listMountPoints()).includes(target);
}

/** The devices of an absolute path and of its directory; null for one that is not there. */
async function devicesOf(target: string): Promise<{ self: number | null; parent: number | null }> {
  const [self, parent] = await Promise.all([stat(target).catch(() => null), stat(path.dirname(target)).catch(() => null)]);
  return { self: self?.dev ?? null, parent: parent?.dev ?? null };
}

/**
 * Whether dir holds a filesystem of its own (its device is not its parent's), as every
 * tmpfs volume does: two stats and never the mount table, which a fresh volume
 * directory (on its parent's device, so a bind mount as far as isMountPoint can tell)
 * would otherwise have read in full at each pod's setup.
 */
export async function hasOwnFilesystem(dir: string): Promise<boolean> {
  const { self, parent } = await devicesOf(path.resolve(dir));
  return self !== null && parent !== null && self !== parent;
}

/** The mount options of a memory-backed volume's tmpfs: its size, and mode 0777 as emptyDir's. */
export function tmpfsOptions(sizeBytes: number, mode = 0o777): string {
  return [`size=${Math.max(4096, Math.floor(sizeBytes))}`, `mode=${mode.toString(8)}`].join(',');
}

/**
 * How memory-backed volumes get their tmpfs and lose it. The default runs mount(8) and
 * umount(8); the agent passes one backed by its runtime's mount helper, which spares a
 * process per pod. Unmounting what is no longer mounted succeeds.
 */
export interface VolumeMounter {
  mountTmpfs(dir: string, options: string): Promise<void>;
  unmount(dir: string): Promise<void>;
}

export const commandMounter: VolumeMounter = {
  async mountTmpfs(dir, options) {
    try {
      await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
    } catch (e) {
      throw new MountCommandError('mount -t tmpfs', dir, (e as { stderr?: string }).stderr ?? String(e), { cause: e });
    }
  },
  async unmount(dir) {
    try {
      await run('umount', [dir]);
    } catch (e) {
      // Already gone (a concurrent teardown) is success; anything else is not.
      if (!(await isMountPoint(dir))) return;
      throw new MountCommandError('umount', dir, (e as { stderr?: string }).stderr ?? String(e), { cause: e });
    }
  },
};

/** Mounts a tmpfs of sizeBytes at dir (mode 0777 with sticky bit off, as emptyDir's 0777). */
export function mountTmpfs(dir: string, sizeBytes: number, mode = 0o777, mounter: VolumeMounter = commandMounter): Promise<void> {
  return mounter.mountTmpfs(dir, tmpfsOptions(sizeBytes, mode));
}

export function unmount(dir: string, mounter: VolumeMounter = commandMounter): Promise<void> {
  return mounter.unmount(dir);
}
