// Creates missing mount points in a container's root filesystem before the OCI runtime
// runs. The runtime would make them itself, but not when the container's root is a
// mapped user that may not write the image's directories, nor on a read-only image.

import { lstat, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { OciSpec } from './spec.js';

export async function ensureMountPoints(rootfs: string, spec: OciSpec): Promise<void> {
  // All at once: each is a handful of lstats, and a parent two of them share is simply
  // found made by the other (EEXIST below).
  await Promise.all(spec.mounts.map(async (m) => {
    const rel = normalize(m.destination);
    // Paths under /proc, /sys and /dev live on mounts the runtime makes itself.
    if (rel === '/' || rel.includes('..') || /^\/(proc|sys|dev)(\/|$)/.test(rel)) {
      if (rel === '/proc' || rel === '/sys' || rel === '/dev') await mkdir(join(rootfs, rel), { recursive: true }).catch(() => {});
      return;
    }
    const isFile = m.type === 'bind' && !(await stat(m.source).then((s) => s.isDirectory(), () => true));
    await createInside(rootfs, rel, isFile).catch(() => { /* the runtime will report a mount point it cannot use */ });
  }));
}

/**
 * Creates `rel` under `rootfs` one component at a time. A symlink on the way could point
 * anywhere on the host (the image's absolute links mean the container's root, not
 * ours), so such paths are left to the OCI runtime, which resolves them inside the root.
 */
async function createInside(rootfs: string, rel: string, isFile: boolean): Promise<void> {
  const parts = rel.split('/').filter(Boolean);
  let cur = rootfs;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]!);
    const last = i === parts.length - 1;
    const st = await lstat(cur).catch(() => null);
    if (st) {
      if (st.isSymbolicLink()) return;
      continue;
    }
    try {
      if (last && isFile) await writeFile(cur, '', { flag: 'wx' });
      else await mkdir(cur);
    } catch (e) {
      // Made meanwhile by the walk towards another mount point: look at it again.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      i--;
      cur = dirname(cur);
    }
  }
}
