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
}

/**
 * Writes d's status (and revision annotation) and takes the stored resourceVersion, so
 * later writes in the same sync are not refused as conflicts.
 */
export async function updateStatus(ctx: DeploymentSyncContext, d: Deployment): Promise<void> {
  const stored = await ctx.api.updateDeploymentStatus(d);
  d.metadata.resourceVersion = stored.metadata.resourceVersion;
}
