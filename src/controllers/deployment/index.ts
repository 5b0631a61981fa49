export { startDeploymentController, replicaSetHandlers, type DeploymentControllerOptions } from './controller.js';
export { syncDeployment, type DeploymentSyncDeps } from './sync.js';
export { restDeploymentApi, type DeploymentApi, type EventSink } from './api.js';
export { resolveFenceposts, scaledValue, maxSurge, maxUnavailable, InvalidIntOrStringError } from './fenceposts.js';
export { newRSNewReplicas, maxScaledDown, proportionalSizes, UnknownStrategyError } from './rolling-math.js';
export * from './annotations.js';
export { reasons, conditionAvailable, conditionProgressing, conditionReplicaFailure } from './conditions.js';
export { equalIgnoreHash, findNewReplicaSet, findOldReplicaSets } from './replicasets.js';
