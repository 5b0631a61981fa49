// The arithmetic of rolling updates and proportional scaling, as pure functions.
//   newRSNewReplicas: how far the new ReplicaSet may grow now (total pods stay within
//     replicas + maxSurge; never past replicas).
//   maxScaledDown: how many old pods may go now (available pods stay at or above
//     replicas - maxUnavailable, counting the new ReplicaSet's unavailable pods as lost).
//   proportionalSizes: when a deployment is resized mid-rollout, the change is shared
//     among its active ReplicaSets in proportion to their sizes (by the max-replicas
//     annotation they were last scaled with), leftovers going to the largest.

import { bySizeNewer, bySizeOlder, type Deployment, type ReplicaSet } from '../controller-utils/index.js';
import { maxReplicasOf } from './annotations.js';
import { maxSurge, maxUnavailable, replicasOf, scaledValue } from './fenceposts.js';
import { filterActive, replicaCount, specReplicas } from './replicasets.js';

export class UnknownStrategyError extends Error {
  override name = 'UnknownStrategyError';
}

export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const type = d.spec?.strategy?.type ?? 'RollingUpdate';
  const want = replicasOf(d);
  if (type === 'Recreate') return want;
  if (type !== 'RollingUpdate') throw new UnknownStrategyError(`deployment type ${JSON.stringify(type)} isn't supported`);
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, want, true);
  const current = replicaCount(allRSs);
  const maxTotal = want + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, want - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

export function maxScaledDown(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): number {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
  return replicaCount(allRSs) - minAvailable - newUnavailable;
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function fraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  // Without the annotation, the deployment's current size is the best guess; the
  // min/max clamping in proportion() still keeps the total within bounds.
  const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAway((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

/**
 * The size each active ReplicaSet should have after a resize of a deployment in the
 * middle of a rolling update, in the order they are to be written.
 */
export function proportionalSizes(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): { rs: ReplicaSet; size: number }[] {
  const active = filterActive([...oldRSs, newRS]);
  const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - replicaCount(active);
  if (toAdd > 0) active.sort(bySizeNewer);
  else if (toAdd < 0) active.sort(bySizeOlder);
  let added = 0;
  const out = active.map((rs) => {
    if (toAdd === 0) return { rs, size: specReplicas(rs) };
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return { rs, size: specReplicas(rs) + p };
  });
  if (out.length > 0 && toAdd !== 0) out[0].size = Math.max(0, out[0].size + toAdd - added);
  return out;
}

export function scalingDirection(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): 'up' | 'down' | '' {
  const active = filterActive([...oldRSs, newRS]);
  const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - replicaCount(active);
  return toAdd > 0 ? 'up' : toAdd < 0 ? 'down' : '';
}
