// What every step of a deployment sync needs: the API seam, events, time, the
// ReplicaSet cache, and a way to ask for another look later.

import type { Clock } from '../../client/clock.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { Deployment, ReplicaSet } from '../controller-utils/index.js';
import type { DeploymentApi, EventSink } from './api.js';

export interface DeploymentSyncContext {
  api: DeploymentApi;
  events: EventSink;
  clock: Clock;
  log: Logger;
  replicaSets: Lister<ReplicaSet>;
  /** Asks for another sync of the deployment after ms; the soonest request wins. */
  requeueAfter(ms: number): void;
  /** The version of rs this sync last wrote, else rs itself. */
  latest(rs: ReplicaSet): ReplicaSet;
}

/**
 * Wraps api so that ReplicaSets written during one sync are remembered: later steps of
 * the same sync start from what was written, not from the cache's older copy (which
 * would only earn a conflict and a retry).
 */
export function rememberingWrites(api: DeploymentApi): { api: DeploymentApi; latest(rs: ReplicaSet): ReplicaSet } {
  const written = new Map<string, ReplicaSet>();
  const keep = (rs: ReplicaSet) => {
    if (rs.metadata.uid) written.set(rs.metadata.uid, rs);
    return rs;
  };
  return {
    api: {
      ...api,
      createReplicaSet: async (ns, rs) => keep(await api.createReplicaSet(ns, rs)),
      updateReplicaSet: async (rs) => keep(await api.updateReplicaSet(rs)),
      patchReplicaSet: async (ns, name, patch) => keep(await api.patchReplicaSet(ns, name, patch)),
    },
    latest: (rs) => (rs.metadata.uid ? written.get(rs.metadata.uid) : undefined) ?? rs,
  };
}

/**
 * Writes d's status (and revision annotation) and takes the stored resourceVersion, so
 * later writes in the same sync are not refused as conflicts.
 */
export async function updateStatus(ctx: DeploymentSyncContext, d: Deployment): Promise<void> {
  const stored = await ctx.api.updateDeploymentStatus(d);
  d.metadata.resourceVersion = stored.metadata.resourceVersion;
}
