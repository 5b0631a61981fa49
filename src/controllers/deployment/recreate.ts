// The Recreate strategy (Kubernetes' rolloutRecreate): scale every old ReplicaSet to
// zero, wait until none of their pods is left (terminating ones included), and only
// then create the new ReplicaSet at full size.

import type { Deployment, Pod, ReplicaSet } from '../controller-utils/index.js';
import { cleanupDeployment } from './cleanup.js';
import type { DeploymentSyncContext } from './context.js';
import { replicasOf } from './fenceposts.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset.js';
import { deploymentComplete } from './progress.js';
import { actualReplicaCount, filterActive, specReplicas } from './replicasets.js';
import { scaleReplicaSetAndRecordEvent } from './scale.js';
import { syncRolloutStatus } from './status.js';

/** Pods of the deployment by the uid of the ReplicaSet controlling them. */
export type PodMap = Map<string, Pod[]>;

export async function rolloutRecreate(ctx: DeploymentSyncContext, d: Deployment, rsList: readonly ReplicaSet[], podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS && specReplicas(newRS) !== replicasOf(d)) await scaleReplicaSetAndRecordEvent(ctx, newRS, replicasOf(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, newRS, d);
}

/** Any old pod that is not finished (Unknown counts: it may still run). */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const p of pods) {
      const phase = p.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
