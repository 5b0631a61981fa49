// cgroup facts the runtime needs on this host: the hybrid-mode fix crun requires, the
// per-container statistics, OOM evidence, and removal of what is left behind.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const run = promisify(execFile);
const CG = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'hugetlb', 'net_cls', 'net_prio', 'perf_event', 'systemd'];

export type CgroupMode = 'v1' | 'hybrid' | 'v2';

async function exists(p: string): Promise<boolean> {
  try { await stat(p); return true; } catch { return false; }
}

async function readText(p: string): Promise<string> {
  try { return await readFile(p, 'utf8'); } catch { return ''; }
}

export async function cgroupMode(): Promise<CgroupMode> {
  if (await exists(join(CG, 'cgroup.controllers'))) return 'v2';
  return (await exists(join(CG, 'unified', 'cgroup.controllers'))) ? 'hybrid' : 'v1';
}

/**
 * crun refuses a hybrid layout whose cgroup2 mount still owns controllers. On Debian's
 * kernels that is hugetlb alone, so it is moved to its own v1 hierarchy (the kernel
 * hands a controller to v1 as soon as it is mounted there, if cgroup2 has no users of
 * it). Returns null when crun can run, or the reason it cannot.
 */
export async function prepareHybridCgroups(): Promise<string | null> {
  if ((await cgroupMode()) !== 'hybrid') return null;
  const owned = (await readText(join(CG, 'unified', 'cgroup.controllers'))).trim().split(/\s+/).filter(Boolean);
  if (owned.length === 0) return null;
  if (owned.some((c) => c !== 'hugetlb')) return `cgroup2 at ${CG}/unified owns ${owned.join(', ')}`;
  try {
    await mkdir(join(CG, 'hugetlb'), { recursive: true });
    // Another runtime process may have just done it; do not stack a second mount.
    if (!(await exists(join(CG, 'hugetlb', 'cgroup.procs')))) await run('mount', ['-t', 'cgroup', '-o', 'hugetlb', 'cgroup', join(CG, 'hugetlb')]);
  } catch (e) {
    return `could not move hugetlb off cgroup2: ${(e as Error).message.trim()}`;
  }
  const left = (await readText(join(CG, 'unified', 'cgroup.controllers'))).trim();
  return left ? `cgroup2 still owns ${left} after moving hugetlb` : null;
}

/**
 * Moving a process into a cgroup takes the kernel's global threadgroup rwsem for
 * writing, and that waits for an RCU grace period unless another move happened a
 * moment before: 5 to 15 ms on this kind of host for the first container after any
 * pause (measured: `crun run` of `true` 6 ms back to back, 15-20 ms 20 ms apart), more
 * than the rest of the start. cgroup2's `favordynmods` mount option (Linux 6.0+) keeps
 * that rwsem in its slow-reader mode instead, so moves never wait, at a small cost to
 * every fork and exit; the rwsem is global, so the one cgroup2 mount (hybrid or v2) is
 * enough. Returns what was done, or why not (an older kernel refuses the option).
 */
export async function favorDynamicCgroups(): Promise<string | null> {
  const mounts = await readText('/proc/self/mounts');
  const line = mounts.split('\n').map((l) => l.split(' ')).find((f) => f[2] === 'cgroup2' && (f[1] === join(CG, 'unified') || f[1] === CG));
  if (!line) return 'no cgroup2 mount';
  if (line[3]!.split(',').includes('favordynmods')) return null;
  try {
    await run('mount', ['-o', 'remount,favordynmods', line[1]!]);
    return null;
  } catch (e) {
    return `cannot remount ${line[1]} with favordynmods: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`;
  }
}

/** Cumulative CPU time and memory working set (usage minus inactive file cache), cgroup v1. */
export async function readCgroupStats(cgroupsPath: string): Promise<{ usageCoreNanoSeconds: number; workingSetBytes: number; usageBytes: number }> {
  const cpu = Number((await readText(join(CG, 'cpuacct', cgroupsPath, 'cpuacct.usage'))).trim() || 0);
  const usage = Number((await readText(join(CG, 'memory', cgroupsPath, 'memory.usage_in_bytes'))).trim() || 0);
  const stat = await readText(join(CG, 'memory', cgroupsPath, 'memory.stat'));
  const inactive = Number(/^total_inactive_file (\d+)$/m.exec(stat)?.[1] ?? 0);
  return { usageCoreNanoSeconds: cpu, workingSetBytes: Math.max(0, usage - inactive), usageBytes: usage };
}

/** True when the kernel OOM-killed a process in this cgroup (v1 memory.oom_control). */
export async function cgroupOomKilled(cgroupsPath: string): Promise<boolean> {
  const ctl = await readText(join(CG, 'memory', cgroupsPath, 'memory.oom_control'));
  return Number(/^oom_kill (\d+)$/m.exec(ctl)?.[1] ?? 0) > 0;
}

export async function cpuThrottled(cgroupsPath: string): Promise<number> {
  const s = await readText(join(CG, 'cpu', cgroupsPath, 'cpu.stat'));
  return Number(/^nr_throttled (\d+)$/m.exec(s)?.[1] ?? 0);
}

/** Removes the cgroup (and empty children) in every hierarchy; absent ones are fine. */
export async function removeCgroup(cgroupsPath: string): Promise<void> {
  const roots = [...V1_CONTROLLERS.map((c) => join(CG, c)), join(CG, 'unified'), CG];
  for (const root of roots) {
    const dir = join(root, cgroupsPath);
    if (dir === root || !(await exists(join(dir, 'cgroup.procs')))) continue;
    await removeTree(dir);
  }
}

async function removeTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) await removeTree(join(dir, e.name));
  }
  await rmdir(dir).catch(() => {});
}
