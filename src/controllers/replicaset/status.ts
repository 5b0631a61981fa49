// A ReplicaSet's status from the pods it owns: replicas (active pods), fully labeled
// (carrying every template label), ready, available (ready for minReadySeconds), and
// the ReplicaFailure condition while creating or deleting pods fails (a quota, say).

import { isPodAvailable, isPodReady, rfc3339, semanticEqual, type Pod, type ReplicaSet, type ReplicaSetCondition, type ReplicaSetStatus } from '../controller-utils/index.js';

export const replicaFailure = 'ReplicaFailure';

export function calculateReplicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: Error | undefined, nowMs: number): ReplicaSetStatus {
  const tplLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(tplLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, nowMs)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === replicaFailure);
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 0);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: replicaFailure, status: 'True', lastTransitionTime: rfc3339(nowMs), reason, message: manageError.message });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== replicaFailure);
  }
  // Go omits zero counts (omitempty), except replicas.
  const status: ReplicaSetStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.status?.observedGeneration) status.observedGeneration = rs.status.observedGeneration;
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

/** Whether status must be written: counts, conditions or observedGeneration differ. */
export function replicaSetStatusChanged(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? {};
  const n = (v: number | undefined) => v ?? 0;
  return (
    n(cur.replicas) !== n(next.replicas) ||
    n(cur.fullyLabeledReplicas) !== n(next.fullyLabeledReplicas) ||
    n(cur.readyReplicas) !== n(next.readyReplicas) ||
    n(cur.availableReplicas) !== n(next.availableReplicas) ||
    n(rs.metadata.generation) !== n(cur.observedGeneration) ||
    !semanticEqual(cur.conditions, next.conditions)
  );
}
