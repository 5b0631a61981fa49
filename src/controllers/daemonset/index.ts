export { startDaemonSetController, type DaemonSetControllerOptions } from './controller.js';
export { syncDaemonSet, newDaemonPod, type DaemonSet, type DaemonSetSyncDeps } from './sync.js';
export { planDaemonSet, type DaemonSetPlan, type DaemonSetSpec, type DaemonSetStatus } from './plan.js';
export { shouldRunOn, daemonTolerations, withDaemonTolerations, pinToNode, tolerates, type Node, type Taint, type Toleration } from './node-fit.js';
