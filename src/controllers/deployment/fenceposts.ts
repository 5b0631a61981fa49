// maxSurge and maxUnavailable resolved against spec.replicas, as Kubernetes does: an
// int is itself, a percentage is scaled (surge rounded up, unavailable rounded down),
// and if both come to zero, maxUnavailable becomes 1 so the rollout can move at all.

import type { Deployment, IntOrString } from '../controller-utils/index.js';

export class InvalidIntOrStringError extends Error {
  override name = 'InvalidIntOrStringError';
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new InvalidIntOrStringError(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const pct = Number.parseInt(v.slice(0, -1), 10);
  if (!/^-?\d+$/.test(v.slice(0, -1)) || Number.isNaN(pct)) throw new InvalidIntOrStringError(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function replicasOf(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return Math.min(replicas, resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas).unavailable);
}
