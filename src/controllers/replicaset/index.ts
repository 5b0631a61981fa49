export { startReplicaSetController, podHandlers, type ReplicaSetControllerOptions, type ReplicaSetController } from './controller.js';
export { syncReplicaSet, type ReplicaSetSyncDeps } from './sync.js';
export { manageReplicas } from './manage.js';
export { calculateReplicaSetStatus, replicaSetStatusChanged, replicaFailure } from './status.js';
export { podFromTemplate } from './pod-template.js';
export { relatedPods } from './related-pods.js';
export { restReplicaSetApi, type ReplicaSetApi, type EventSink } from './api.js';
