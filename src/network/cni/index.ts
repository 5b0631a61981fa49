// The pod network over CNI: the public surface.
export { CniPodNetwork, POD_IFNAME, type CniPodNetworkOptions, type PodNetworkAddresses } from './pod-network.js';
export { CniPluginError, CniPluginNotFoundError, PodNetworkSetupError } from './errors.js';
export { buildConfList, cniArgsFor, portMappingsOf, CNI_VERSION } from './config.js';
export type { PodLike, SandboxRef, CniResult, CniNetworkConfList } from './types.js';
export { bandwidthOf, BandwidthAnnotationError, INGRESS_ANNOTATION, EGRESS_ANNOTATION } from './bandwidth.js';
