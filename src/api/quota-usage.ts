// What an object counts against a ResourceQuota: a pod its count and its containers'
// requests and limits, other kinds their count. Shared by the quota admission plugin
// and the quota controller, so both add up the same way.

import { parseQuantity } from './validation/quantity.js';

type Obj = Record<string, unknown>;
export type Usage = Map<string, number>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Kinds counted by quotas, by their plural resource name (core group). */
export const countedResources = ['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas'];

export function podUsage(pod: Obj): Usage {
  const u: Usage = new Map([['pods', 1], ['count/pods', 1]]);
  const spec = isObj(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isObj) : [];
  for (const c of containers) {
    const res = isObj(c.resources) ? c.resources : {};
    for (const kind of ['requests', 'limits'] as const) {
      const values = isObj(res[kind]) ? (res[kind] as Record<string, string>) : {};
      for (const [name, q] of Object.entries(values)) {
        const add = (key: string) => u.set(key, (u.get(key) ?? 0) + parseQuantity(q));
        add(`${kind}.${name}`);
        if (kind === 'requests' && (name === 'cpu' || name === 'memory')) add(name);
      }
    }
  }
  return u;
}

/** Pods that have finished or are going no longer count. */
export function podCounts(pod: Obj): boolean {
  const meta = isObj(pod.metadata) ? pod.metadata : {};
  const phase = isObj(pod.status) ? pod.status.phase : undefined;
  return phase !== 'Succeeded' && phase !== 'Failed' && meta.deletionTimestamp === undefined;
}

export function addUsage(into: Usage, u: Usage): void {
  for (const [k, v] of u) into.set(k, (into.get(k) ?? 0) + v);
}

/** A usage figure as quotas print it: whole numbers plain, fractions to three places. */
export function formatUsage(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}
