export { startEndpointsController, serviceAndPodInformers, podHandlers, type EndpointsControllerOptions } from './controller.js';
export { syncEndpoints, desiredLabels, overCapacityAnnotation, type EndpointsObj, type EndpointsSyncDeps } from './sync.js';
export { desiredSubsets, truncateSubsets, maxEndpointsAddresses, type EndpointAddress, type EndpointSubset } from './subsets.js';
export { selects, hasSelector, isPodReady, isTerminating, podIsCandidate, resolveTargetPort, podPorts, podHostname, targetRef, canonical } from './pods.js';
export type { ServiceObj, ServicePort, PodObj, NodeObj, ContainerPort, EndpointPort } from './types.js';
