// Whether a path is a live network namespace: a bind mount of an nsfs inode. A sandbox
// whose namespace is gone (unmounted, deleted, or a plain file left behind) must still be
// torn down, and the plugins' DEL skips in-namespace cleanup when CNI_NETNS is empty.
import { statfs } from 'node:fs/promises';

const NSFS_MAGIC = 0x6e736673;

export async function isLiveNetns(path: string): Promise<boolean> {
  if (!path) return false;
  try {
    return (await statfs(path)).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}
