// A Deployment's status from its ReplicaSets, and the Progressing condition a rollout
// keeps (Kubernetes' calculateStatus and syncRolloutStatus).

import { semanticEqual, type Deployment, type DeploymentCondition, type DeploymentStatus, type ReplicaSet } from '../controller-utils/index.js';
import { conditionAvailable, conditionProgressing, conditionReplicaFailure, getCondition, newCondition, reasons, removeCondition, setCondition } from './conditions.js';
import { updateStatus, type DeploymentSyncContext } from './context.js';
import { maxUnavailable, replicasOf } from './fenceposts.js';
import { deploymentComplete, deploymentProgressing, deploymentTimedOut, hasProgressDeadline, progressCheckAfter } from './progress.js';
import { actualReplicaCount, availableReplicaCount, readyReplicaCount, replicaCount } from './replicasets.js';

export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const unavailable = Math.max(0, replicaCount(allRSs) - available);
  const s: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
    collisionCount: d.status?.collisionCount,
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(s, newCondition(conditionAvailable, 'True', reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(s, newCondition(conditionAvailable, 'False', reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return s;
}

/** Go omits zero counts and empty lists (omitempty); so does what is written here. */
export function compactStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [k, v] of Object.entries(s) as [keyof DeploymentStatus, unknown][]) {
    if (v === undefined || v === null || (k !== 'collisionCount' && v === 0) || (Array.isArray(v) && v.length === 0)) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return semanticEqual(compactStatus(a ?? {}), compactStatus(b));
}

async function writeStatus(ctx: DeploymentSyncContext, d: Deployment, s: DeploymentStatus): Promise<void> {
  d.status = compactStatus(s);
  await updateStatus(ctx, d);
}

/** Status without judging progress: scaling, paused deployments, deletions. */
export async function syncDeploymentStatus(ctx: DeploymentSyncContext, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const s = calculateStatus(allRSs, newRS, d, ctx.clock.now());
  if (statusEqual(d.status, s)) return;
  await writeStatus(ctx, d, s);
}

/** Status of a rollout, with the Progressing condition and ReplicaFailure carried over. */
export async function syncRolloutStatus(ctx: DeploymentSyncContext, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = ctx.clock.now();
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(s, conditionProgressing);
  const cur = getCondition(d.status, conditionProgressing);
  // Only one active ReplicaSet, already reported available: a resync, not a rollout.
  const isComplete = s.replicas === s.updatedReplicas && cur?.reason === reasons.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const who = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, s)) {
      setCondition(s, newCondition(conditionProgressing, 'True', reasons.newReplicaSetAvailable, `${who} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, s)) {
      // Progress refreshes lastUpdateTime even when the reason stays the same, which
      // setCondition alone would not do; the transition time stays while it is True.
      const c = newCondition(conditionProgressing, 'True', reasons.replicaSetUpdated, `${who} is progressing.`, now);
      if (cur) {
        if (cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(s, conditionProgressing);
      }
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      setCondition(s, newCondition(conditionProgressing, 'False', reasons.timedOut, `${who} has timed out progressing.`, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(s, failures[0]);
  else removeCondition(s, conditionReplicaFailure);

  if (statusEqual(d.status, s)) {
    const after = progressCheckAfter(d, s, now);
    if (after !== undefined) ctx.requeueAfter(after);
    return;
  }
  await writeStatus(ctx, d, s);
}

/** ReplicaFailure conditions of the new ReplicaSet, else of any other. */
function replicaFailures(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet) =>
    (rs.status?.conditions ?? [])
      .filter((c) => c.type === conditionReplicaFailure)
      .map((c) => ({ type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }));
  if (newRS) {
    const f = of(newRS);
    if (f.length > 0) return f;
  }
  return allRSs.flatMap((rs) => (rs ? of(rs) : []));
}
