// PodDisruptionBudget arithmetic, as Kubernetes' disruption controller does it: the
// number of pods expected (the pods themselves for an integer minAvailable, else the
// scale of their controllers), the number that must stay healthy, and which recent
// evictions (status.disruptedPods) still count against the budget.

import { scaledValue } from '../history/intstr.js';

export interface PdbSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

/** How long an eviction stays in disruptedPods waiting for the pod's deletion (DeletionTimeout). */
export const disruptionTimeoutMs = 2 * 60_000;

/** Whether expected pods come from the controllers' scale rather than from the pods. */
export function needsScale(spec: PdbSpec): boolean {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%');
}

export function desiredHealthy(spec: PdbSpec, expected: number): number {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    return Math.max(0, expected - scaledValue(spec.maxUnavailable, expected, true, 0));
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) return scaledValue(spec.minAvailable, expected, true, 0);
  return 0;
}

export interface PodView {
  name: string;
  deleting: boolean;
  ready: boolean;
}

/**
 * The disruptedPods entries still in force: those of pods that exist, are not yet being
 * deleted and were evicted less than disruptionTimeoutMs ago. Answers them and when the
 * earliest of them runs out (to look again then).
 */
export function liveDisruptions(disrupted: Record<string, string>, pods: readonly PodView[], now: number): { kept: Record<string, string>; recheckAt?: number } {
  const kept: Record<string, string> = {};
  let recheckAt: number | undefined;
  for (const p of pods) {
    const at = disrupted[p.name];
    if (at === undefined || p.deleting) continue;
    const t = Date.parse(at);
    if (!Number.isFinite(t) || t + disruptionTimeoutMs <= now) continue;
    kept[p.name] = at;
    recheckAt = recheckAt === undefined ? t + disruptionTimeoutMs : Math.min(recheckAt, t + disruptionTimeoutMs);
  }
  return { kept, recheckAt };
}

/** Healthy: ready, not being deleted, and not evicted a moment ago. */
export function countHealthy(pods: readonly PodView[], disrupted: Record<string, string>): number {
  return pods.filter((p) => p.ready && !p.deleting && disrupted[p.name] === undefined).length;
}
