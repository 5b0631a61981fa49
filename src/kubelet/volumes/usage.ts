// Disk use of a directory tree (as du counts it: allocated blocks, each inode once,
// without crossing into other mounts), for emptyDir sizeLimit reporting and eviction.

import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export async function diskUsage(dir: string): Promise<number> {
  const root = await lstat(dir).catch(() => undefined);
  if (!root) return 0;
  const seen = new Set<string>();
  const walk = async (p: string): Promise<number> => {
    const st = await lstat(p).catch(() => undefined);
    if (!st || st.dev !== root.dev) return 0;
    const id = `${st.ino}`;
    if (seen.has(id)) return 0;
    seen.add(id);
    let total = st.blocks * 512;
    if (st.isDirectory()) {
      const names = await readdir(p).catch(() => [] as string[]);
      for (const n of names) total += await walk(path.join(p, n));
    }
    return total;
  };
  return walk(dir);
}
