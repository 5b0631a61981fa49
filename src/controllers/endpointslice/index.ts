export { startEndpointSliceController, type EndpointSliceControllerOptions } from './controller.js';
export { syncEndpointSlices, isManaged, sliceName, serviceNameLabel, managedByLabel, controllerName, type EndpointSliceObj, type SliceSyncDeps } from './sync.js';
export { planSlices, maxEndpointsPerSlice, type SlicePlan, type ExistingSlice } from './plan.js';
export { desiredGroups, endpointKey, portsKey, type SliceEndpoint, type PortGroup } from './desired.js';
export { startEndpointSliceMirroringController, type MirroringControllerOptions } from './mirroring-controller.js';
export { syncMirroredSlices, mirroredGroups, mirroringControllerName, skipMirrorLabel, maxMirroredPerSubset, type MirrorSyncDeps } from './mirroring.js';
export { applySlices, ownerRef, slicesPath } from './apply.js';
export { isManagedBy, sliceLabels, ownSlices } from './sync.js';
