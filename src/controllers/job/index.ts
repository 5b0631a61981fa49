export { startJobController, type JobControllerOptions } from './controller.js';
export { startTTLAfterFinishedController, syncTTL, timeLeftMs, type TTLAfterFinishedControllerOptions } from './ttl.js';
export { syncJob, type JobSyncDeps } from './sync.js';
export * from './types.js';
