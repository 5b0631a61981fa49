// The runtime's per-container state lives in memory, as containerd's (/run/containerd),
// CRI-O's and crun's own (/run/crun) do: records, bundles, the OCI runtimes' state,
// conmon's exit files and sockets, the sandboxes' namespace files. None of it means
// anything after a reboot (every container is gone then), while on disk each of the
// dozen small writes of a container's start and stop waited on the filesystem's
// journal, behind whatever else the node was writing: on this machine that made a
// container's start up to half again slower once the disk got busy.
//
// Each such directory under the runtime's root gets a tmpfs of its own, unless it is
// already in memory (a root under a tmpfs /run) or holds an earlier runtime's state,
// which stays where it is so that its containers are still found (moved to memory
// after `k8ts uninstall` or a reboot empties it). Container logs and images stay on disk.

import { mkdirSync, readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { MountCallError, MountHelperUnavailableError, mountHelper } from './image/mount-helper.js';
import { runOk } from './image/os-tools.js';

/** The directories of the runtime's root that hold per-container state. */
export const VOLATILE_STATE_DIRS = ['containers', 'sandboxes', 'netns', 'exits', 'crun', 'runc'] as const;

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/** Whether a mount point is one of the state tmpfs mounts of some runtime root (for tests that look for leftovers). */
export function isStateMount(mountPoint: string): boolean {
  return (VOLATILE_STATE_DIRS as readonly string[]).includes(mountPoint.slice(mountPoint.lastIndexOf('/') + 1));
}

/** Mounts what is missing; returns a line for each directory left on disk, and why. */
export async function keepStateInMemory(root: string): Promise<string[]> {
  const leftOnDisk: string[] = [];
  for (const name of VOLATILE_STATE_DIRS) {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const type = statfsSync(dir).type;
    if (type === TMPFS_MAGIC || type === RAMFS_MAGIC) continue;
    if (readdirSync(dir).length > 0) {
      leftOnDisk.push(`${dir} stays on disk: it holds an earlier runtime's state`);
      continue;
    }
    try {
      await mountTmpfs(dir);
    } catch (e) {
      leftOnDisk.push(`${dir} stays on disk: ${(e as Error).message}`);
    }
  }
  return leftOnDisk;
}

async function mountTmpfs(dir: string): Promise<void> {
  try {
    return await mountHelper.mount('tmpfs', dir, 'tmpfs', 'mode=0700');
  } catch (e) {
    if (e instanceof MountCallError) throw new Error(`mount tmpfs on ${dir}: ${e.message}`, { cause: e });
    if (!(e instanceof MountHelperUnavailableError)) throw e;
  }
  await runOk('mount', ['-t', 'tmpfs', '-o', 'mode=0700', 'tmpfs', dir]);
}
