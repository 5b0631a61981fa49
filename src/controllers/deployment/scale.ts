// Resizing ReplicaSets for a deployment: one ReplicaSet at a time (with its desired
// and max replica annotations kept current, and a ScalingReplicaSet event), and the
// deployment-wide resize (Kubernetes' scale) used when spec.replicas changes, when
// paused, and in the middle of a rollout (proportionally).

import type { Deployment, ReplicaSet } from '../controller-utils/index.js';
import { deploymentReplicaAnnotations, desiredReplicasOf, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.js';
import type { DeploymentSyncContext } from './context.js';
import { isRollingUpdate, replicasOf } from './fenceposts.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset.js';
import { proportionalSizes, scalingDirection } from './rolling-math.js';
import { filterActive, findActiveOrLatest, isSaturated, specReplicas } from './replicasets.js';

export interface ScaleResult {
  scaled: boolean;
  rs: ReplicaSet;
}

export async function scaleReplicaSet(ctx: DeploymentSyncContext, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<ScaleResult> {
  const { desired, max } = deploymentReplicaAnnotations(d);
  const sizeChanges = specReplicas(rs) !== newScale;
  if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const oldScale = specReplicas(rs);
  const copy = structuredClone(rs);
  copy.spec = { ...copy.spec, replicas: newScale };
  setReplicasAnnotations(copy, desired, max);
  const updated = await ctx.api.updateReplicaSet(copy);
  if (sizeChanges) {
    void ctx.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeChanges, rs: updated };
}

export async function scaleReplicaSetAndRecordEvent(ctx: DeploymentSyncContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<ScaleResult> {
  if (specReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, newScale, d, specReplicas(rs) < newScale ? 'up' : 'down');
}

/** Brings the ReplicaSets' total to the deployment's size (plus surge mid-rollout). */
export async function scale(ctx: DeploymentSyncContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Promise<void> {
  // One active ReplicaSet (or none: then the newest) takes the whole size.
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (specReplicas(only) !== replicasOf(d)) await scaleReplicaSetAndRecordEvent(ctx, only, replicasOf(d), d);
    return;
  }
  // A saturated new ReplicaSet (say, after adopting one) leaves nothing for the old.
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const operation = scalingDirection(d, newRS, oldRSs);
  for (const { rs, size } of proportionalSizes(d, newRS, oldRSs)) {
    // Stop at the first failure; the requeue finishes the job.
    await scaleReplicaSet(ctx, rs, size, d, operation);
  }
}

/** spec.replicas differs from what an active ReplicaSet was last scaled for. */
export async function isScalingEvent(ctx: DeploymentSyncContext, d: Deployment, rsList: readonly ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  for (const rs of filterActive([...oldRSs, newRS])) {
    const desired = desiredReplicasOf(rs);
    if (desired !== undefined && desired !== replicasOf(d)) return true;
  }
  return false;
}
