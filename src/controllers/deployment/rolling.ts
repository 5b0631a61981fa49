// The RollingUpdate strategy (Kubernetes' rolloutRolling): each pass first grows the
// new ReplicaSet as far as maxSurge allows; if it could not, it shrinks old ReplicaSets
// as far as maxUnavailable allows (unhealthy old pods first, since removing them costs
// no availability); and once the rollout is complete it prunes old ReplicaSets.
//
// A ReplicaSet just scaled down still reports the available pods it had until its
// controller catches up; Kubernetes stops such a pass with an error ("invalid request
// to scale down"). Here availability is counted as at most spec.replicas per
// ReplicaSet instead, which is what will remain, so the pass goes on safely.

import { byCreationTimestamp, type Deployment, type ReplicaSet } from '../controller-utils/index.js';
import type { DeploymentSyncContext } from './context.js';
import { maxUnavailable, replicasOf } from './fenceposts.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset.js';
import { deploymentComplete } from './progress.js';
import { maxScaledDown, newRSNewReplicas } from './rolling-math.js';
import { filterActive, replicaCount, specReplicas } from './replicasets.js';
import { scaleReplicaSetAndRecordEvent } from './scale.js';
import { cleanupDeployment } from './cleanup.js';
import { syncRolloutStatus } from './status.js';

export async function rolloutRolling(ctx: DeploymentSyncContext, d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if (newRS && (await reconcileNewReplicaSet(ctx, allRSs, newRS, d))) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(ctx, allRSs, filterActive(oldRSs), newRS, d)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, newRS, d);
}

export async function reconcileNewReplicaSet(ctx: DeploymentSyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const want = replicasOf(d);
  if (specReplicas(newRS) === want) return false;
  if (specReplicas(newRS) > want) return (await scaleReplicaSetAndRecordEvent(ctx, newRS, want, d)).scaled;
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, newRSNewReplicas(d, allRSs, newRS), d)).scaled;
}

export async function reconcileOldReplicaSets(ctx: DeploymentSyncContext, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const budget = maxScaledDown(d, allRSs, newRS);
  if (budget <= 0) return false;
  const { rss, scaledDown: cleaned } = await cleanupUnhealthyReplicas(ctx, oldRSs, d, budget);
  const scaled = await scaleDownOldReplicaSetsForRollingUpdate(ctx, [...rss, newRS], rss, d);
  return cleaned + scaled > 0;
}

/** Scales old ReplicaSets down by their unavailable pods, oldest first, up to budget. */
export async function cleanupUnhealthyReplicas(ctx: DeploymentSyncContext, oldRSs: ReplicaSet[], d: Deployment, budget: number): Promise<{ rss: ReplicaSet[]; scaledDown: number }> {
  const rss = [...oldRSs].sort(byCreationTimestamp);
  let total = 0;
  for (let i = 0; i < rss.length; i++) {
    if (total >= budget) break;
    const rs = rss[i];
    const replicas = specReplicas(rs);
    const available = availableWithinSpec(rs);
    if (replicas === 0 || replicas === available) continue;
    const down = Math.min(budget - total, replicas - available);
    const r = await scaleReplicaSetAndRecordEvent(ctx, rs, replicas - down, d);
    total += down;
    rss[i] = r.rs;
  }
  return { rss, scaledDown: total };
}

/** Scales old ReplicaSets down, oldest first, while available pods stay above the minimum. */
export async function scaleDownOldReplicaSetsForRollingUpdate(ctx: DeploymentSyncContext, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = allRSs.reduce((n, rs) => n + (rs ? availableWithinSpec(rs) : 0), 0);
  if (available <= minAvailable) return 0;
  const toScale = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= toScale) break;
    if (specReplicas(rs) === 0) continue;
    const down = Math.min(specReplicas(rs), toScale - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, specReplicas(rs) - down, d);
    total += down;
  }
  return total;
}

/** Available pods that will remain once the ReplicaSet has its spec.replicas. */
function availableWithinSpec(rs: ReplicaSet): number {
  return Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs));
}
