// ResourceQuota admission: a create that would take a namespace past one of its quotas'
// hard limits is refused (403), as in Kubernetes. Usage is counted from the live objects
// (pods that have not finished, and object counts), so it needs no quota controller to
// be right. Checks run one at a time, but a create still being written when the next
// check lists is not yet counted: two creates racing for the last unit can both pass
// (Kubernetes closes that gap by writing usage into the quota's status; to do).

import { parseQuantity } from '../../api/validation/quantity.js';
import { ApiError } from '../errors.js';
import { isObject, type KObject } from '../kobject.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import type { AdmissionLookup } from './lookup.js';

type Usage = Map<string, number>;

/** Object counts a quota can limit, by quota resource name: `count/<resource>` and the legacy short names. */
const counted: Record<string, { group: string; resource: string }> = {
  pods: { group: '', resource: 'pods' },
  services: { group: '', resource: 'services' },
  configmaps: { group: '', resource: 'configmaps' },
  secrets: { group: '', resource: 'secrets' },
  persistentvolumeclaims: { group: '', resource: 'persistentvolumeclaims' },
  replicationcontrollers: { group: '', resource: 'replicationcontrollers' },
  resourcequotas: { group: '', resource: 'resourcequotas' },
};

function podUsage(pod: KObject): Usage {
  const u: Usage = new Map([['pods', 1], ['count/pods', 1]]);
  const spec = isObject(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? (spec.containers as Record<string, unknown>[]) : [];
  for (const c of containers) {
    const res = isObject(c.resources) ? c.resources : {};
    for (const [kind, prefix] of [['requests', 'requests.'], ['limits', 'limits.']] as const) {
      const values = isObject(res[kind]) ? (res[kind] as Record<string, string>) : {};
      for (const [name, q] of Object.entries(values)) {
        const add = (key: string) => u.set(key, (u.get(key) ?? 0) + parseQuantity(q));
        add(prefix + name);
        if (kind === 'requests' && (name === 'cpu' || name === 'memory')) add(name);
      }
    }
  }
  return u;
}

function finished(pod: KObject): boolean {
  const phase = isObject(pod.status) ? pod.status.phase : undefined;
  return phase === 'Succeeded' || phase === 'Failed';
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

export function resourceQuota(lookup: AdmissionLookup): AdmissionPlugin {
  let queue: Promise<void> = Promise.resolve();
  async function check(kind: string, resource: string, namespace: string, name: string, obj: KObject): Promise<void> {
    const quotas = await lookup.list('', 'resourcequotas', namespace);
    if (quotas.length === 0) return;
    const wanted: Usage = kind === 'Pod' ? podUsage(obj) : new Map([[resource, 1], [`count/${resource}`, 1]]);
    for (const quota of quotas) {
      const hard = isObject(quota.spec) && isObject(quota.spec.hard) ? (quota.spec.hard as Record<string, string>) : {};
      const relevant = Object.keys(hard).filter((k) => wanted.has(k));
      if (relevant.length === 0) continue;
      const used: Usage = new Map();
      const add = (u: Usage) => { for (const [k, v] of u) used.set(k, (used.get(k) ?? 0) + v); };
      if (kind === 'Pod') {
        for (const p of await lookup.list('', 'pods', namespace)) if (!finished(p) && !p.metadata.deletionTimestamp) add(podUsage(p));
      } else {
        const target = counted[resource];
        if (target) used.set(resource, (await lookup.list(target.group, target.resource, namespace)).length);
        used.set(`count/${resource}`, used.get(resource) ?? 0);
      }
      const over = relevant.filter((k) => (used.get(k) ?? 0) + (wanted.get(k) ?? 0) > parseQuantity(hard[k]));
      if (over.length > 0) {
        const list = (m: (k: string) => string) => over.map((k) => `${k}=${m(k)}`).join(',');
        throw new ApiError(403, 'Forbidden', `${resource} "${name}" is forbidden: exceeded quota: ${quota.metadata.name}, requested: ${list((k) => format(wanted.get(k) ?? 0))}, used: ${list((k) => format(used.get(k) ?? 0))}, limited: ${list((k) => hard[k])}`, { name, kind: resource });
      }
    }
  }
  return (req) => {
    if (req.operation !== 'CREATE' || req.subresource || !req.object || !req.namespace || req.resource.group !== '') return;
    if (req.resource.kind !== 'Pod' && !counted[req.resource.plural]) return;
    const run = queue.then(() => check(req.resource.kind, req.resource.plural, req.namespace!, req.name, req.object!));
    queue = run.catch(() => {});
    return run;
  };
}
