// Which informer updates of a pod mean new work for its worker. Most updates of a
// running pod are the kubelet's own status writes coming back; syncing again on each of
// them would run the next sync at once, so a state meant to last until the next sync
// (ErrImagePull before ImagePullBackOff, a container's exit before its restart) would
// flash by before anyone could see it. As the kubelet's pod config does, only what the
// kubelet acts on counts: spec, labels, annotations and the deletion fields.

import type { Pod } from './types.js';

function semantic(pod: Pod): string {
  const m = pod.metadata;
  return JSON.stringify([pod.spec, m.labels ?? {}, m.annotations ?? {}, m.deletionTimestamp ?? null, m.deletionGracePeriodSeconds ?? null]);
}

/** The conditions the kubelet writes itself; others (readiness gates) are set by controllers. */
const KUBELET_CONDITIONS = new Set(['PodScheduled', 'PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

export function isKubeletCondition(type: string): boolean {
  return KUBELET_CONDITIONS.has(type);
}

function foreignConditions(pod: Pod): string {
  return JSON.stringify((pod.status?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type)).map((c) => [c.type, c.status]));
}

/**
 * True when the update changes something the kubelet acts on: not its own status coming
 * back or a new resourceVersion, but a condition someone else set (a readiness gate) is.
 */
export function podDiffersSemantically(old: Pod, cur: Pod): boolean {
  return old.metadata.uid !== cur.metadata.uid || semantic(old) !== semantic(cur) || foreignConditions(old) !== foreignConditions(cur);
}
