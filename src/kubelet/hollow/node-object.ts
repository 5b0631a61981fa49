// The Node object a hollow kubelet registers, and its status conditions: what a real
// kubelet reports, with made-up but well-formed values.

export interface HollowNodeSpec {
  name: string;
  /** Index among the process's nodes: picks its addresses. */
  index: number;
  cpu: string;
  memory: string;
  pods: number;
  ephemeralStorage: string;
  labels: Record<string, string>;
  /** Taints to register with (tests). */
  taints?: { key: string; value?: string; effect: string }[];
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The node's InternalIP: 10.200.0.0/16 onwards, one per index. */
export function nodeIP(index: number): string {
  return `10.${200 + ((index >> 16) & 0x1f)}.${(index >> 8) & 255}.${index & 255}`;
}

export function nodeConditions(now: number, since: number): Record<string, unknown>[] {
  const hb = rfc3339(now);
  const tr = rfc3339(since);
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: hb, lastTransitionTime: tr, reason, message });
  return [
    cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function nodeStatus(s: HollowNodeSpec, now: number, since: number): Record<string, unknown> {
  const resources = { cpu: s.cpu, memory: s.memory, pods: String(s.pods), 'ephemeral-storage': s.ephemeralStorage };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: nodeConditions(now, since),
    addresses: [
      { type: 'InternalIP', address: nodeIP(s.index) },
      { type: 'Hostname', address: s.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: s.name,
      systemUUID: s.name,
      bootID: `hollow-${s.index}`,
      kernelVersion: '6.1.0-hollow',
      osImage: 'k8ts hollow node',
      containerRuntimeVersion: 'fake://0.1.0',
      kubeletVersion: 'v1.33.0-k8ts',
      kubeProxyVersion: 'v1.33.0-k8ts',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

export function nodeObject(s: HollowNodeSpec, now: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: s.name,
      labels: {
        'kubernetes.io/hostname': s.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        type: 'hollow',
        ...s.labels,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: s.taints?.length ? { taints: s.taints } : {},
    status: nodeStatus(s, now, now),
  };
}
