// The seams other parts of the node implement, so the kubelet core can be built and
// tested without them: the pod network (CNI, in src/network/cni/) and the volume
// manager (src/kubelet/volumes/). The kubelet calls them from a pod's worker, one
// call at a time per pod; implementations must be idempotent, because a restarted
// kubelet (or a retried sync) may set up or tear down the same pod again.

import type { Pod } from './types.js';

export type { Pod } from './types.js';

/** The sandbox a pod's network is attached to. `netnsPath` is empty for hostNetwork pods. */
export interface SandboxRef {
  id: string;
  netnsPath: string;
}

export interface PodNetworkResult {
  /** The pod's primary IP (status.podIP). */
  ip: string;
  /** Every IP of the pod, primary first (status.podIPs). */
  ips: string[];
}

/**
 * Attaches pod sandboxes to the cluster network. Never called for hostNetwork pods.
 * setUp on an already set-up sandbox returns the same addresses; tearDown of a sandbox
 * that was never (or is no longer) set up succeeds.
 */
export interface PodNetwork {
  setUp(pod: Pod, sandbox: SandboxRef): Promise<PodNetworkResult>;
  tearDown(pod: Pod, sandbox: SandboxRef): Promise<void>;
}

/** Name of a volume in pod.spec.volumes. */
export type VolumeName = string;

/**
 * Makes a pod's volumes available on the host. mountPodVolumes returns, for each
 * volume of the pod, the host path the kubelet bind-mounts at each volumeMount's
 * mountPath (subPath is joined by the kubelet). It may be called again for the same
 * pod (every sync) and must return the same paths. unmountPodVolumes runs after every
 * container of the pod has stopped.
 */
export interface VolumeManager {
  mountPodVolumes(pod: Pod): Promise<Map<VolumeName, string>>;
  unmountPodVolumes(podUid: string): Promise<void>;
}

