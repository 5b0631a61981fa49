// The node side of the kubelet that is not the pod sync loop: registration, status, lease, pod CIDR.

export { NodeStatusManager, nodeLabels, type NodeStatusManagerOptions } from './status-manager.js';
export { renewNodeLease, leaseObject, microTime, leaseNamespace, leaseDurationSeconds, type LeaseObject } from './lease.js';
export { allocatePodCIDR, waitForPodCIDR, PodCIDRExhaustedError, InvalidCIDRError, type WaitForPodCIDROptions } from './pod-cidr.js';
export { readHostInfo, readFsInfo, primaryIPv4, parseMeminfo, parseOsRelease, HostInfoError, type HostInfo, type HostInfoOptions } from './host-info.js';
export { computeNodeStatus, computeConditions, capacityOf, allocatableOf, pressureOf, statusChanged, nodeImages, evictionThresholds, type NodeStatus, type NodeCondition } from './node-status.js';
