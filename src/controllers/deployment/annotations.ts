// The annotations a Deployment keeps on its ReplicaSets: the revision (and the
// revisions it had before, when a rollback reused it), the deployment's desired and
// maximum (desired + surge) replicas at the last scale, and every annotation of the
// deployment itself (kubernetes.io/change-cause among them) except its own bookkeeping.

import type { Deployment, ReplicaSet } from '../controller-utils/index.js';
import { maxSurge, replicasOf } from './fenceposts.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
/** extensions/v1beta1's rollback request; never copied. */
export const rollbackToAnnotation = 'deprecated.deployment.rollback.to';

/** Kubernetes' cap on the revision-history annotation. */
export const maxRevisionHistoryChars = 2000;

const skipped = new Set([lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, rollbackToAnnotation]);

export function skipCopyAnnotation(key: string): boolean {
  return skipped.has(key);
}

/** An integer annotation, or undefined when absent or not an integer. */
function intAnnotation(obj: { metadata: { annotations?: Record<string, string> } }, key: string): number | undefined {
  const v = obj.metadata.annotations?.[key];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return undefined;
  return Number.parseInt(v, 10);
}

export function desiredReplicasOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, desiredReplicasAnnotation);
}

export function maxReplicasOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, maxReplicasAnnotation);
}

export class InvalidRevisionError extends Error {
  override name = 'InvalidRevisionError';
}

/** The revision annotation; 0 when absent; throws InvalidRevisionError when not an integer. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string>; name?: string } }): number {
  const v = obj.metadata.annotations?.[revisionAnnotation];
  if (v === undefined) return 0;
  if (!/^[+-]?\d+$/.test(v)) throw new InvalidRevisionError(`${obj.metadata.name ?? ''}: invalid revision ${JSON.stringify(v)}`);
  return Number.parseInt(v, 10);
}

/** The highest revision among rss (unparsable ones ignored), 0 when none. */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) {
    try {
      max = Math.max(max, revisionOf(rs));
    } catch {
      // A hand-edited annotation must not stop the rollout.
    }
  }
  return max;
}

function annotationsOf(obj: { metadata: { annotations?: Record<string, string> } }): Record<string, string> {
  return (obj.metadata.annotations ??= {});
}

/** Copies the deployment's annotations onto rs (never removing any); true if any changed. */
export function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || rs.metadata.annotations?.[k] === v) continue;
    annotationsOf(rs)[k] = v;
    changed = true;
  }
  return changed;
}

export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  let changed = false;
  const a = annotationsOf(rs);
  if (a[desiredReplicasAnnotation] !== String(desired)) {
    a[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (a[maxReplicasAnnotation] !== String(max)) {
    a[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max);
}

/** The deployment's current desired and max replicas, as the annotations record them. */
export function deploymentReplicaAnnotations(d: Deployment): { desired: number; max: number } {
  const desired = replicasOf(d);
  return { desired, max: desired + maxSurge(d) };
}

/**
 * Brings the new ReplicaSet's annotations up to date (Kubernetes'
 * SetNewReplicaSetAnnotations): the deployment's own, a revision raised to newRevision
 * (the old one appended to the revision history when it is a rollback), and, for a
 * ReplicaSet about to be created, the replica annotations. True if any changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, historyLimitChars = maxRevisionHistoryChars): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotationsOf(rs);
  const oldText = a[revisionAnnotation];
  let old = 0;
  if (oldText !== undefined && oldText !== '') {
    if (!/^[+-]?\d+$/.test(oldText)) return false;
    old = Number.parseInt(oldText, 10);
  }
  if (old < newRevision) {
    a[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldText !== undefined) appendRevisionHistory(a, oldText, historyLimitChars);
  }
  if (!exists) {
    const { desired, max } = deploymentReplicaAnnotations(d);
    if (setReplicasAnnotations(rs, desired, max)) changed = true;
  }
  return changed;
}

function appendRevisionHistory(a: Record<string, string>, oldRevision: string, limit: number): void {
  const history = a[revisionHistoryAnnotation] ?? '';
  if (history === '') {
    a[revisionHistoryAnnotation] = oldRevision;
    return;
  }
  const revisions = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < revisions.length) {
    total -= revisions[start].length + 1;
    start++;
  }
  if (total <= limit) a[revisionHistoryAnnotation] = [...revisions.slice(start), oldRevision].join(',');
}

/** Sets the deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, revision: string | undefined): boolean {
  if (revision === undefined) return false;
  const a = (d.metadata.annotations ??= {});
  if (a[revisionAnnotation] === revision) return false;
  a[revisionAnnotation] = revision;
  return true;
}
