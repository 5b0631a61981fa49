// LimitRanger admission: a namespace's LimitRanges give containers default requests
// and limits, and refuse pods outside their min, max and limit/request ratio.

import { compareQuantities, isValidQuantity, parseQuantity } from '../../api/validation/quantity.js';
import { ApiError } from '../errors.js';
import { isObject } from '../kobject.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import type { AdmissionLookup } from './lookup.js';

type Resources = Record<string, string>;

const asResources = (v: unknown): Resources => (isObject(v) ? (v as Resources) : {});

export function limitRanger(lookup: AdmissionLookup): AdmissionPlugin {
  return async (req) => {
    if (req.operation !== 'CREATE' || req.resource.group !== '' || req.resource.kind !== 'Pod' || !req.object || req.subresource) return;
    const ranges = await lookup.list('', 'limitranges', req.namespace);
    if (ranges.length === 0) return;
    const spec = isObject(req.object.spec) ? req.object.spec : {};
    const containers = [spec.initContainers, spec.containers].flatMap((l) => (Array.isArray(l) ? (l as Record<string, unknown>[]) : []));
    const problems: string[] = [];
    for (const range of ranges) {
      const items = isObject(range.spec) && Array.isArray(range.spec.limits) ? (range.spec.limits as Record<string, unknown>[]) : [];
      for (const item of items.filter((i) => i.type === 'Container')) {
        for (const c of containers) {
          const res = isObject(c.resources) ? c.resources : {};
          const limits = { ...asResources(res.limits) };
          const requests = { ...asResources(res.requests) };
          // As LimitRange defaulting has it, a missing defaultRequest is the default limit.
          const defaultRequest = { ...asResources(item.default), ...asResources(item.defaultRequest) };
          for (const [k, v] of Object.entries(asResources(item.default))) if (limits[k] === undefined) limits[k] = v;
          for (const [k, v] of Object.entries(defaultRequest)) if (requests[k] === undefined) requests[k] = v;
          if (Object.keys(limits).length) res.limits = limits;
          if (Object.keys(requests).length) res.requests = requests;
          c.resources = res;
          for (const [k, min] of Object.entries(asResources(item.min))) {
            const r = requests[k];
            if (r === undefined) problems.push(`minimum ${k} usage per Container is ${min}.  No request is specified`);
            else if (isValidQuantity(r) && compareQuantities(r, min) < 0) problems.push(`minimum ${k} usage per Container is ${min}, but request is ${r}`);
          }
          for (const [k, max] of Object.entries(asResources(item.max))) {
            const l = limits[k];
            if (l === undefined) problems.push(`maximum ${k} usage per Container is ${max}.  No limit is specified`);
            else if (isValidQuantity(l) && compareQuantities(l, max) > 0) problems.push(`maximum ${k} usage per Container is ${max}, but limit is ${l}`);
          }
          for (const [k, ratio] of Object.entries(asResources(item.maxLimitRequestRatio))) {
            const l = limits[k];
            const r = requests[k];
            if (l && r && isValidQuantity(l) && isValidQuantity(r) && parseQuantity(l) / parseQuantity(r) > parseQuantity(ratio)) {
              problems.push(`${k} max limit to request ratio per Container is ${ratio}, but provided ratio is ${(parseQuantity(l) / parseQuantity(r)).toFixed(6)}`);
            }
          }
        }
      }
    }
    req.object.spec = spec;
    if (problems.length > 0) {
      throw new ApiError(403, 'Forbidden', `pods "${req.name}" is forbidden: [${problems.join(', ')}]`, { name: req.name, kind: 'pods' });
    }
  };
}
