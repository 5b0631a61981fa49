// Pod-level cgroups under the QoS hierarchy, as the kubelet's cgroupfs driver lays them
// out on cgroup v1: Guaranteed pods directly under /kubepods, the others under
// /kubepods/burstable and /kubepods/besteffort, each pod in `pod<uid>`. Containers go
// below their pod's cgroup (the runtime is given it as the sandbox's cgroupParent).

import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LinuxContainerResources } from '../../runtime/cri.js';
import type { QosClass } from '../resources.js';

export const KUBEPODS = '/kubepods';

/** The cgroup path (relative to each controller's root) of a pod. */
export function podCgroupName(uid: string, qos: QosClass, top = KUBEPODS): string {
  if (qos === 'Guaranteed') return `${top}/pod${uid}`;
  return `${top}/${qos === 'Burstable' ? 'burstable' : 'besteffort'}/pod${uid}`;
}

export interface PodCgroups {
  /** Creates (or updates) the pod's cgroup; returns its name for the sandbox's cgroupParent. */
  ensure(uid: string, qos: QosClass, res: LinuxContainerResources): Promise<string>;
  /** Removes the pod's cgroup (after its containers are gone); absent is fine. Unknown QoS: looks in every class. */
  remove(uid: string, qos?: QosClass): Promise<void>;
  /** UIDs of every pod cgroup present, for cleaning up after a crash. */
  list(): Promise<string[]>;
}

/** Keeps only names: for the fake runtime, where nothing runs in the cgroups. */
export class MemoryPodCgroups implements PodCgroups {
  readonly pods = new Map<string, { name: string; res: LinuxContainerResources }>();
  async ensure(uid: string, qos: QosClass, res: LinuxContainerResources): Promise<string> {
    const name = podCgroupName(uid, qos);
    this.pods.set(uid, { name, res });
    return name;
  }
  async remove(uid: string): Promise<void> {
    this.pods.delete(uid);
  }
  async list(): Promise<string[]> {
    return [...this.pods.keys()];
  }
}

const CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids', 'cpuset', 'blkio', 'devices', 'freezer'];

/** The cgroup v1 filesystem under /sys/fs/cgroup; `top` moves the hierarchy (tests use their own). */
export class CgroupV1PodCgroups implements PodCgroups {
  constructor(private readonly root = '/sys/fs/cgroup', readonly top = KUBEPODS) {}

  async ensure(uid: string, qos: QosClass, res: LinuxContainerResources): Promise<string> {
    const name = podCgroupName(uid, qos, this.top);
    for (const c of CONTROLLERS) {
      const dir = path.join(this.root, c, name);
      try {
        await mkdir(dir, { recursive: true });
      } catch {
        continue; // a controller this host does not mount
      }
      // cpuset starts empty in new v1 cgroups; children cannot run until it is copied down.
      if (c === 'cpuset') await this.fillCpuset(name);
    }
    const cpu = path.join(this.root, 'cpu', name);
    if (res.cpuShares) await writeFile(path.join(cpu, 'cpu.shares'), String(res.cpuShares)).catch(() => {});
    if (res.cpuPeriod) await writeFile(path.join(cpu, 'cpu.cfs_period_us'), String(res.cpuPeriod)).catch(() => {});
    await writeFile(path.join(cpu, 'cpu.cfs_quota_us'), String(res.cpuQuota || -1)).catch(() => {});
    if (res.memoryLimitInBytes) await writeFile(path.join(this.root, 'memory', name, 'memory.limit_in_bytes'), String(res.memoryLimitInBytes)).catch(() => {});
    return name;
  }

  async remove(uid: string, qos?: QosClass): Promise<void> {
    const classes: QosClass[] = qos ? [qos] : ['Guaranteed', 'Burstable', 'BestEffort'];
    // Every hierarchy, not only the controllers set up here: the OCI runtime creates the
    // pod's directory as its containers' parent in all of them (hugetlb, systemd, unified).
    const hierarchies = await mountedHierarchies(this.root);
    for (const q of classes) {
      const name = podCgroupName(uid, q, this.top);
      for (const c of hierarchies) await removeTree(path.join(this.root, c, name));
    }
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const sub of ['', 'burstable', 'besteffort']) {
      const dir = path.join(this.root, 'cpu', this.top, sub);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) if (n.startsWith('pod')) out.push(n.slice(3));
    }
    return out;
  }

  private async fillCpuset(name: string): Promise<void> {
    const parts = name.split('/').filter(Boolean);
    let cur = path.join(this.root, 'cpuset');
    for (const p of parts) {
      const parent = cur;
      cur = path.join(cur, p);
      for (const f of ['cpuset.cpus', 'cpuset.mems']) {
        const mine = (await readFile(path.join(cur, f), 'utf8').catch(() => 'x')).trim();
        if (mine !== '') continue;
        const theirs = (await readFile(path.join(parent, f), 'utf8').catch(() => '')).trim();
        if (theirs) await writeFile(path.join(cur, f), theirs).catch(() => {});
      }
    }
  }
}

/** Removes the whole hierarchy (tests, after their pods are gone). */
export async function removeCgroupHierarchy(top: string, root = '/sys/fs/cgroup'): Promise<void> {
  for (const c of await mountedHierarchies(root)) await removeTree(path.join(root, c, top));
}

/** The hierarchies under root (v1 controllers, named ones such as systemd, and the cgroup2 `unified`). */
async function mountedHierarchies(root: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  return [...new Set([...CONTROLLERS, ...names])];
}

/** rmdir depth first: v1 cgroup directories cannot be removed recursively in one go. */
async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
  if (!entries) return;
  for (const e of entries) if (e.isDirectory()) await removeTree(path.join(dir, e.name));
  await rmdir(dir).catch(() => {});
}
