// Helpers shared by the workload controllers (ReplicaSet, Deployment, and later
// StatefulSet, DaemonSet, Job): typed views, ownership and adoption, expectations,
// pod predicates and deletion ranking, slow-start batches, the pod-template hash.
export * from './types.js';
export { canonicalJson, semanticEqual } from './canonical.js';
export { computePodTemplateHash, podTemplateHashLabel, fnv32a, safeEncodeString } from './pod-template-hash.js';
export { ownerReferencesOf, controllerRefOf, newControllerRef, adoptPatch, releasePatch } from './owner-refs.js';
export { claimObjects, ClaimError, CannotAdoptError, type ClaimOptions } from './claim.js';
export { Expectations, expectationsTtlMs } from './expectations.js';
export { isPodActive, isPodReady, isPodAvailable, podReadySinceMs, msUntilAvailable, podKey } from './pods.js';
export { sortPodsForDeletion, deleteBefore, podDeletionCost, podDeletionCostAnnotation, type RankedPod } from './pod-ranking.js';
export { slowStartBatch, type SlowStartResult } from './slow-start.js';
export { byCreationTimestamp, bySizeOlder, bySizeNewer } from './replicaset-order.js';
export { isNamespaceTerminating } from './errors.js';
export { kindedEvents, type EventSink } from './events.js';
export { writeWithRebase } from './conflict-retry.js';
