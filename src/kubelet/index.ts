// The kubelet core's public surface: the Kubelet, the seams others implement (pod
// network, volume manager), the pod wire types, and the stand-ins used before the real
// network and volumes are wired in.

export { Kubelet, type KubeletOptions } from './kubelet.js';
export type { PodNetwork, PodNetworkResult, SandboxRef, VolumeManager, VolumeName } from './interfaces.js';
export type { Pod, PodSpec, PodStatusV1, ContainerSpec, ContainerStatusV1, PodCondition } from './types.js';
export { NoNetwork, StaticNetwork, EmptyDirVolumeManager, UnsupportedVolumeError } from './testing/trivial.js';
export { CgroupV1PodCgroups, MemoryPodCgroups, podCgroupName, KUBEPODS, type PodCgroups } from './cgroups/pod-cgroups.js';
export { L_POD_UID, L_POD_NAME, L_POD_NAMESPACE, L_CONTAINER_NAME, L_MANAGED, RUNTIME_SCHEME } from './labels.js';
export { defaultDns, type DnsSettings } from './etc-files.js';
