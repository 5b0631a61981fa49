// Which pods a ReplicaSet deletes first when it has too many, in Kubernetes' order:
//   1. unscheduled before scheduled
//   2. Pending before Unknown before Running
//   3. not ready before ready
//   4. lower controller.kubernetes.io/pod-deletion-cost before higher
//   5. more pods of the same owner on the same node before fewer (spread stays even)
//   6. ready for less time before ready for longer (compared in log2 buckets of age,
//      ties broken by UID: a pseudo-random pick among pods of about the same age)
//   7. more container restarts before fewer
//   8. newer before older (log2 buckets again, ties by UID)
// The log buckets keep a scale-down from always taking the very newest pods, which
// would otherwise make a rolling replacement delete what it has just created.

import { isPodReady, podReadySinceMs } from './pods.js';
import { timeMs, type Pod } from './types.js';

export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export function podDeletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[podDeletionCostAnnotation];
  if (v === undefined || !/^-?(0|[1-9][0-9]*)$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxRestarts(pod: Pod): number {
  let m = 0;
  for (const c of pod.status?.containerStatuses ?? []) m = Math.max(m, c.restartCount ?? 0);
  return m;
}

/** metav1.Time's "zero" is an unset time; Kubernetes orders it before any real one. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/** log2 of the age in nanoseconds, truncated, as Kubernetes buckets it (-1 for no age). */
function logBucket(t: number, nowMs: number): number {
  const ns = (nowMs - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

function uidLess(a: Pod, b: Pod): boolean {
  return (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
}

function timeLess(a: Pod, b: Pod, ta: number | undefined, tb: number | undefined, nowMs: number | undefined): boolean {
  if (nowMs === undefined || ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logBucket(ta, nowMs) - logBucket(tb, nowMs);
  return diff === 0 ? uidLess(a, b) : diff < 0;
}

export interface RankedPod {
  pod: Pod;
  /** Pods of the same owner (or its siblings) on this pod's node. */
  rank: number;
}

/** True when a should be deleted before b. */
export function deleteBefore(a: RankedPod, b: RankedPod, nowMs?: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const oa = phaseOrdinal[pa.status?.phase ?? ''] ?? 0;
  const ob = phaseOrdinal[pb.status?.phase ?? ''] ?? 0;
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  const ca = podDeletionCost(pa);
  const cb = podDeletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const ta = podReadySinceMs(pa);
    const tb = podReadySinceMs(pb);
    if (ta !== tb) return timeLess(pa, pb, ta, tb, nowMs);
  }
  const xa = maxRestarts(pa);
  const xb = maxRestarts(pb);
  if (xa !== xb) return xa > xb;
  const ta = timeMs(pa.metadata.creationTimestamp);
  const tb = timeMs(pb.metadata.creationTimestamp);
  if (ta !== tb) return timeLess(pa, pb, ta, tb, nowMs);
  return false;
}

/**
 * Ranks each pod by how many active related pods share its node, and sorts pods so the
 * first are the ones to delete.
 */
export function sortPodsForDeletion(pods: readonly Pod[], related: readonly Pod[], nowMs?: number): Pod[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || p.metadata.deletionTimestamp) continue;
    const n = p.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => (deleteBefore(a, b, nowMs) ? -1 : deleteBefore(b, a, nowMs) ? 1 : 0));
  return ranked.map((r) => r.pod);
}
