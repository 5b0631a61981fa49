// revisionHistoryLimit: old ReplicaSets beyond the limit are deleted, lowest revision
// first, but only those already scaled to zero whose controller has caught up (status
// shows no pods for the current generation), so no pod is ever cut off mid-flight.

import { isNotFound } from '../../client/errors.js';
import { byCreationTimestamp, type Deployment, type ReplicaSet } from '../controller-utils/index.js';
import { revisionOf } from './annotations.js';
import type { DeploymentSyncContext } from './context.js';
import { hasRevisionHistoryLimit } from './progress.js';

function safeRevision(rs: ReplicaSet): number {
  try {
    return revisionOf(rs);
  } catch {
    return 0;
  }
}

export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = safeRevision(a);
  const rb = safeRevision(b);
  return ra === rb ? byCreationTimestamp(a, b) : ra - rb;
}

export async function cleanupDeployment(ctx: DeploymentSyncContext, oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - (d.spec?.revisionHistoryLimit ?? 0);
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    const caughtUp = (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0 || !caughtUp || rs.metadata.deletionTimestamp) continue;
    ctx.log.info(`deployment ${d.metadata.namespace}/${d.metadata.name}: deleting old replica set ${rs.metadata.name} (revision history limit ${d.spec?.revisionHistoryLimit})`);
    try {
      await ctx.api.deleteReplicaSet(rs.metadata.namespace ?? '', rs.metadata.name ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
