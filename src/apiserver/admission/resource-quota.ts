// ResourceQuota admission: a create that would take a namespace past one of its quotas'
// hard limits is refused (403), as in Kubernetes. Usage is counted from the live objects
// (pods that have not finished, and object counts), so it needs no quota controller to
// be right. Checks run one at a time, but a create still being written when the next
// check lists is not yet counted: two creates racing for the last unit can both pass
// (Kubernetes closes that gap by writing usage into the quota's status; to do).

import { addUsage, countedResources, formatUsage as format, podCounts, podUsage, type Usage } from '../../api/quota-usage.js';
import { parseQuantity } from '../../api/validation/quantity.js';
import { ApiError } from '../errors.js';
import { isObject, type KObject } from '../kobject.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import type { AdmissionLookup } from './lookup.js';

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
      if (kind === 'Pod') {
        for (const p of await lookup.list('', 'pods', namespace)) if (podCounts(p)) addUsage(used, podUsage(p));
      } else {
        used.set(resource, (await lookup.list('', resource, namespace)).length);
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
    if (req.resource.kind !== 'Pod' && !countedResources.includes(req.resource.plural)) return;
    const run = queue.then(() => check(req.resource.kind, req.resource.plural, req.namespace!, req.name, req.object!));
    queue = run.catch(() => {});
    return run;
  };
}
