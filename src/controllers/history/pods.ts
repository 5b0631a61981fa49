// Pod facts every workload controller reads: phase, readiness and availability (Ready
// for at least minReadySeconds), as Kubernetes' podutil defines them.

import type { KObject } from '../../client/types.js';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[];
  containerStatuses?: { name: string; state?: { terminated?: { exitCode?: number; finishedAt?: string } } }[];
  startTime?: string;
}

export interface Pod extends KObject {
  spec?: Record<string, unknown> & { nodeName?: string };
  status?: PodStatus;
}

export function podPhase(p: Pod): string {
  return p.status?.phase ?? 'Pending';
}

export function isTerminal(p: Pod): boolean {
  const ph = podPhase(p);
  return ph === 'Succeeded' || ph === 'Failed';
}

export function isTerminating(p: Pod): boolean {
  return p.metadata.deletionTimestamp !== undefined && p.metadata.deletionTimestamp !== null;
}

/** Neither finished nor being deleted. */
export function isActive(p: Pod): boolean {
  return !isTerminal(p) && !isTerminating(p);
}

function readyCondition(p: Pod): PodCondition | undefined {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(p: Pod): boolean {
  return readyCondition(p)?.status === 'True';
}

/** Ready, and Ready for minReadySeconds by now. */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  const c = readyCondition(p);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a ready pod becomes available, or undefined when it is or cannot be. */
export function msUntilAvailable(p: Pod, minReadySeconds: number, now: number): number | undefined {
  const c = readyCondition(p);
  if (c?.status !== 'True' || minReadySeconds <= 0 || !c.lastTransitionTime) return undefined;
  const left = Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 - now;
  return left > 0 ? left : undefined;
}

export function creationMs(o: KObject): number {
  const t = o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : NaN;
  return Number.isFinite(t) ? t : 0;
}

/** metav1.Time: RFC 3339 to the second, UTC. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
