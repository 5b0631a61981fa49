export { startDisruptionController, type DisruptionControllerOptions } from './controller.js';
export { syncPdb, selectorMatches, type PdbObj, type PdbStatus, type PdbSyncDeps } from './sync.js';
export { desiredHealthy, needsScale, liveDisruptions, countHealthy, disruptionTimeoutMs } from './budget.js';
export { expectedFromScale, NoControllerError } from './scale.js';
