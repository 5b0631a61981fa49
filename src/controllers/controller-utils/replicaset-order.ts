// The orders Kubernetes sorts ReplicaSets in: by creation time (name breaks ties), by
// size with older first among equals (which to scale down first), by size with newer
// first among equals (which to scale up first).

import { timeMs } from './types.js';
import type { ReplicaSet } from './types.js';

export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  const ta = timeMs(a.metadata.creationTimestamp) ?? 0;
  const tb = timeMs(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const replicas = (rs: ReplicaSet) => rs.spec?.replicas ?? 0;

/** Larger first; among equals, older first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  if (replicas(a) !== replicas(b)) return replicas(b) - replicas(a);
  return byCreationTimestamp(a, b);
}

/** Larger first; among equals, newer first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  if (replicas(a) !== replicas(b)) return replicas(b) - replicas(a);
  return byCreationTimestamp(b, a);
}
