// Container resources in CRI's units, converted as the kubelet converts them: CPU
// requests become cgroup v1 shares (1024 per core, at least 2), CPU limits a CFS quota
// over a 100 ms period (at least 1 ms), memory limits bytes.

import { parseMilliQuantity, parseQuantity } from '../api/validation/quantity.js';
import { podQOSClass } from '../api/defaults/index.js';
import type { LinuxContainerResources } from '../runtime/cri.js';
import type { ContainerSpec, Pod } from './types.js';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const MIN_QUOTA_US = 1_000;

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function qosClass(pod: Pod): QosClass {
  return podQOSClass(pod as unknown as Parameters<typeof podQOSClass>[0]);
}

export function milliCpuToShares(milli: number): number {
  if (milli <= 0) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milli * 1024) / 1000)));
}

export function milliCpuToQuota(milli: number, periodUs = CPU_PERIOD_US): number {
  if (milli <= 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milli * periodUs) / 1000));
}

function milli(v: string | number | undefined): number {
  return v === undefined ? 0 : parseMilliQuantity(v);
}

function bytes(v: string | number | undefined): number {
  return v === undefined ? 0 : Math.floor(parseQuantity(v));
}

export function containerResources(c: ContainerSpec): LinuxContainerResources {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  // The API defaults a missing request to the limit; do it again for objects that skipped defaulting.
  const cpuReq = milli(req.cpu ?? lim.cpu);
  const out: LinuxContainerResources = { cpuShares: milliCpuToShares(cpuReq), cpuPeriod: CPU_PERIOD_US };
  const quota = milliCpuToQuota(milli(lim.cpu));
  if (quota) out.cpuQuota = quota;
  const mem = bytes(lim.memory);
  if (mem) out.memoryLimitInBytes = mem;
  return out;
}

/** The pod-level cgroup's limits: sums over app containers, bounded below by each init container. */
export function podResources(pod: Pod): LinuxContainerResources {
  const apps = pod.spec.containers;
  const inits = pod.spec.initContainers ?? [];
  const sum = (f: (c: ContainerSpec) => number) => apps.reduce((a, c) => a + f(c), 0);
  const maxInit = (f: (c: ContainerSpec) => number) => inits.reduce((a, c) => Math.max(a, f(c)), 0);
  const eff = (f: (c: ContainerSpec) => number) => Math.max(sum(f), maxInit(f));
  const cpuReq = eff((c) => milli(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu));
  const out: LinuxContainerResources = { cpuShares: milliCpuToShares(cpuReq), cpuPeriod: CPU_PERIOD_US };
  const all = [...apps, ...inits];
  if (all.every((c) => c.resources?.limits?.cpu !== undefined)) out.cpuQuota = milliCpuToQuota(eff((c) => milli(c.resources?.limits?.cpu)));
  if (all.every((c) => c.resources?.limits?.memory !== undefined)) out.memoryLimitInBytes = eff((c) => bytes(c.resources?.limits?.memory));
  return out;
}
