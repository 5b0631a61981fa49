// The Node's status as the kubelet computes it, as pure functions of what the host
// measured: capacity and allocatable, the four conditions with Kubernetes' reasons and
// messages, addresses, node info and images. Keeping this pure lets the manager decide
// "did anything change?" by comparing two values, and lets tests check every rule.

import type { HostInfo } from './host-info.js';

export const MiB = 1024 * 1024;

/** Hard eviction thresholds the kubelet uses by default; allocatable keeps them back. */
export const evictionThresholds = {
  /** memory.available < 100Mi */
  memoryAvailableBytes: 100 * MiB,
  /** nodefs.available < 10% */
  nodefsAvailableFraction: 0.1,
  /** Fewer than 5% of pid_max left counts as PID pressure. */
  pidAvailableFraction: 0.05,
} as const;

export const maxPodsPerNode = 110;
/** kubelet's --node-status-max-images default. */
export const maxImagesInStatus = 50;

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface NodeAddress { type: 'InternalIP' | 'ExternalIP' | 'Hostname'; address: string }

export interface NodeImage { names: string[]; sizeBytes: number }

export interface NodeStatus {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  conditions: NodeCondition[];
  addresses: NodeAddress[];
  daemonEndpoints: { kubeletEndpoint: { Port: number } };
  nodeInfo: Record<string, string>;
  images: NodeImage[];
}

export interface StatusInputs {
  host: HostInfo;
  nodeName: string;
  internalIP: string;
  kubeletPort: number;
  kubeletVersion: string;
  containerRuntimeVersion: string;
  images: NodeImage[];
  /** False when the runtime (or anything the kubelet needs) is down. */
  ready: { ready: boolean; message?: string };
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const ki = (bytes: number) => `${Math.floor(bytes / 1024)}Ki`;

export function capacityOf(host: HostInfo): Record<string, string> {
  return {
    cpu: String(host.cpuCores),
    memory: ki(host.memory.totalBytes),
    'ephemeral-storage': ki(host.fs.capacityBytes),
    pods: String(maxPodsPerNode),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  };
}

/** Capacity minus what eviction keeps back (no kube-reserved or system-reserved by default, as Kubernetes). */
export function allocatableOf(host: HostInfo): Record<string, string> {
  const mem = Math.max(0, host.memory.totalBytes - evictionThresholds.memoryAvailableBytes);
  const fs = Math.max(0, Math.floor(host.fs.capacityBytes * (1 - evictionThresholds.nodefsAvailableFraction)));
  return { ...capacityOf(host), memory: ki(mem), 'ephemeral-storage': String(fs) };
}

export interface Pressure { memory: boolean; disk: boolean; pid: boolean }

export function pressureOf(host: HostInfo): Pressure {
  const fsFree = host.fs.capacityBytes > 0 ? host.fs.availableBytes / host.fs.capacityBytes : 1;
  const pidFree = host.pids.max > 0 ? (host.pids.max - host.pids.running) / host.pids.max : 1;
  return {
    memory: host.memory.availableBytes < evictionThresholds.memoryAvailableBytes,
    disk: fsFree < evictionThresholds.nodefsAvailableFraction,
    pid: pidFree < evictionThresholds.pidAvailableFraction,
  };
}

type Want = Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>;

function wantedConditions(p: Pressure, ready: StatusInputs['ready']): Want[] {
  return [
    p.memory
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    p.disk
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    p.pid
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ready.ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: ready.message ?? 'kubelet is not ready' },
  ];
}

/**
 * The conditions at `now`: every heartbeat is now; a transition time moves only when
 * the condition's status changes, so `kubectl describe node` shows how long it held.
 */
export function computeConditions(previous: readonly NodeCondition[], p: Pressure, ready: StatusInputs['ready'], now: number): NodeCondition[] {
  const ts = rfc3339(now);
  return wantedConditions(p, ready).map((w) => {
    const old = previous.find((c) => c.type === w.type);
    const since = old && old.status === w.status ? old.lastTransitionTime : ts;
    return { ...w, lastHeartbeatTime: ts, lastTransitionTime: since };
  });
}

export function computeNodeStatus(inputs: StatusInputs, previous: readonly NodeCondition[], now: number): NodeStatus {
  const h = inputs.host;
  return {
    capacity: capacityOf(h),
    allocatable: allocatableOf(h),
    conditions: computeConditions(previous, pressureOf(h), inputs.ready, now),
    addresses: [
      { type: 'InternalIP', address: inputs.internalIP },
      { type: 'Hostname', address: inputs.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: inputs.kubeletPort } },
    nodeInfo: {
      machineID: h.machineID,
      systemUUID: h.systemUUID,
      bootID: h.bootID,
      kernelVersion: h.kernelVersion,
      osImage: h.osImage,
      containerRuntimeVersion: inputs.containerRuntimeVersion,
      kubeletVersion: inputs.kubeletVersion,
      kubeProxyVersion: inputs.kubeletVersion,
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
    images: inputs.images.slice(0, maxImagesInStatus),
  };
}

/**
 * True when two statuses differ in anything but heartbeat times: only then is an
 * update due before the periodic report.
 */
export function statusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  if (!a) return true;
  const strip = (s: NodeStatus) => ({ ...s, conditions: s.conditions.map(({ lastHeartbeatTime: _h, ...c }) => c) });
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}

/** Images as the node reports them: every tag and digest as a name, largest first, as the kubelet sorts them. */
export function nodeImages(images: { repoTags: string[]; repoDigests: string[]; size: number }[]): NodeImage[] {
  return images
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }))
    .filter((i) => i.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, maxImagesInStatus);
}
