// Creates missing mount points in a container's root filesystem before the OCI runtime
// runs, for containers in a user namespace: the runtime makes them itself everywhere
// else, but not as a mapped root that may not write the image's directories.

import { lstatSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { OciSpec } from './spec.js';

export async function ensureMountPoints(rootfs: string, spec: OciSpec): Promise<void> {
  // A few dozen lstats and mkdirs in a fresh rootfs on the local disk: synchronous calls
  // (see state.ts for why), each failure left to the runtime, which reports a mount
  // point it cannot use.
  for (const m of spec.mounts) {
    const rel = normalize(m.destination);
    // Paths under /proc, /sys and /dev live on mounts the runtime makes itself.
    if (rel === '/' || rel.includes('..') || /^\/(proc|sys|dev)(\/|$)/.test(rel)) {
      if (rel === '/proc' || rel === '/sys' || rel === '/dev') try { mkdirSync(join(rootfs, rel), { recursive: true }); } catch { /* see above */ }
      continue;
    }
    let isFile = true;
    if (m.type === 'bind') try { isFile = !statSync(m.source).isDirectory(); } catch { /* a missing source: the runtime says so */ }
    else isFile = false;
    try { createInside(rootfs, rel, isFile); } catch { /* see above */ }
  }
}

/**
 * Creates `rel` under `rootfs` one component at a time. A symlink on the way could point
 * anywhere on the host (the image's absolute links mean the container's root, not
 * ours), so such paths are left to the OCI runtime, which resolves them inside the root.
 */
function createInside(rootfs: string, rel: string, isFile: boolean): void {
  const parts = rel.split('/').filter(Boolean);
  let cur = rootfs;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]!);
    const last = i === parts.length - 1;
    let st;
    try { st = lstatSync(cur); } catch { st = null; }
    if (st) {
      if (st.isSymbolicLink()) return;
      continue;
    }
    if (last && isFile) writeFileSync(cur, '', { flag: 'wx' });
    else mkdirSync(cur);
  }
}
