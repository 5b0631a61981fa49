// Priority admission: a pod's priority comes from its PriorityClass (or the global
// default class), never from the pod itself, as in Kubernetes.

import { systemPriorities } from '../../api/defaults/index.js';
import { ApiError } from '../errors.js';
import { isObject } from '../kobject.js';
import type { AdmissionPlugin } from '../registry/hooks.js';
import type { AdmissionLookup } from './lookup.js';

export function podPriority(lookup: AdmissionLookup): AdmissionPlugin {
  return async (req) => {
    if (req.operation !== 'CREATE' || req.resource.group !== '' || req.resource.kind !== 'Pod' || !req.object) return;
    const spec = isObject(req.object.spec) ? req.object.spec : {};
    let className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
    let value: number | undefined;
    let policy: string | undefined;
    if (className in systemPriorities) value = systemPriorities[className];
    else if (className) {
      const pc = await lookup.get('scheduling.k8s.io', 'priorityclasses', undefined, className);
      if (!pc) throw new ApiError(403, 'Forbidden', `pods "${req.name}" is forbidden: no PriorityClass with name ${className} was found`);
      value = Number(pc.value ?? 0);
      policy = typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : undefined;
    } else {
      const global = (await lookup.list('scheduling.k8s.io', 'priorityclasses', undefined)).find((pc) => pc.globalDefault === true);
      if (global) {
        className = String(global.metadata.name);
        value = Number(global.value ?? 0);
        policy = typeof global.preemptionPolicy === 'string' ? global.preemptionPolicy : undefined;
      }
    }
    if (className) spec.priorityClassName = className;
    spec.priority = value ?? 0;
    if (policy) spec.preemptionPolicy = policy;
    req.object.spec = spec;
  };
}
