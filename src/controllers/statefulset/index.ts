export { startStatefulSetController, type StatefulSetControllerOptions } from './controller.js';
export { syncStatefulSet, type StatefulSetSyncDeps } from './sync.js';
export { planStatefulSet, type Action, type PlanInput } from './plan.js';
export { computeStatus } from './status.js';
export * from './identity.js';
