export { startNodeLifecycleController, type NodeLifecycleControllerOptions } from './controller.js';
export { syncNode, ProbeTimes, type NodeSyncDeps } from './sync.js';
export { evictionTime, reconcileTaints, tolerates, desiredLifecycleTaints, unreachableTaintKey, notReadyTaintKey, type Taint, type Toleration } from './taints.js';
