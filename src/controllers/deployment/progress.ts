// Progress of a rollout, as Kubernetes judges it: complete (every replica updated and
// available, the spec observed), progressing (more updated, ready or available
// replicas, or fewer old ones, than the last status said), timed out (no progress for
// progressDeadlineSeconds since the Progressing condition was last updated).

import { timeMs, type Deployment, type DeploymentStatus } from '../controller-utils/index.js';
import { getCondition, conditionProgressing, reasons } from './conditions.js';
import { replicasOf } from './fenceposts.js';

const maxInt32 = 2147483647;

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== maxInt32;
}

export function hasRevisionHistoryLimit(d: Deployment): boolean {
  const l = d.spec?.revisionHistoryLimit;
  return l !== undefined && l !== null && l !== maxInt32;
}

export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const n = (v: number | undefined) => v ?? 0;
  const oldOld = n(old.replicas) - n(old.updatedReplicas);
  const newOld = n(s.replicas) - n(s.updatedReplicas);
  return n(s.updatedReplicas) > n(old.updatedReplicas) || newOld < oldOld || n(s.readyReplicas) > n(old.readyReplicas) || n(s.availableReplicas) > n(old.availableReplicas);
}

export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, conditionProgressing);
  if (!c) return false;
  // A finished rollout is not judged again (the cache may lag behind a new one).
  if (c.reason === reasons.newReplicaSetAvailable) return false;
  if (c.reason === reasons.timedOut) return true;
  const from = timeMs(c.lastUpdateTime) ?? 0;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}

/**
 * When an unfinished rollout should be looked at again to see whether it timed out
 * (ms from now), or undefined when there is nothing to wait for.
 */
export function progressCheckAfter(d: Deployment, s: DeploymentStatus, nowMs: number): number | undefined {
  const c = getCondition(d.status, conditionProgressing);
  if (!hasProgressDeadline(d) || !c) return undefined;
  if (deploymentComplete(d, s) || c.reason === reasons.timedOut) return undefined;
  const after = (timeMs(c.lastUpdateTime) ?? 0) + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - nowMs;
  // A second's margin, as Kubernetes adds, so the deadline has surely passed.
  return after < 1000 ? Math.max(0, after) + 100 : after + 1000;
}
