// Kind-specific rules the generic store applies, as kube-apiserver's per-kind
// strategies do: what a create resets, which kinds count generations, how long a
// delete waits.

import type { ResourceType } from '../../api/resources.js';
import { isObject, type KObject } from '../kobject.js';

/** Kinds whose metadata.generation counts changes to their spec. */
const generationKinds = new Set([
  'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', 'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget', 'networking.k8s.io/NetworkPolicy',
  'networking.k8s.io/Ingress', '/ReplicationController', 'scheduling.k8s.io/PriorityClass',
]);

export function tracksGeneration(r: ResourceType): boolean {
  return generationKinds.has(`${r.group}/${r.kind}`);
}

/** Status a create starts from: users cannot set status when the kind has a status subresource. */
export function prepareForCreate(r: ResourceType, obj: KObject): void {
  if (!r.status) return;
  switch (`${r.group}/${r.kind}`) {
    case '/Node':
      return; // a kubelet registers its node with its status
    case '/Pod':
      obj.status = { phase: 'Pending', ...(isObject(obj.status) && obj.status.qosClass ? { qosClass: obj.status.qosClass } : {}) };
      return;
    case '/Namespace':
      obj.status = { phase: 'Active' };
      return;
    case '/PersistentVolume':
    case '/PersistentVolumeClaim':
      obj.status = { phase: 'Pending' };
      return;
    default:
      obj.status = {};
  }
}

/** The fields that are not "spec": changes elsewhere bump the generation. */
export function specOf(obj: KObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

/**
 * How many seconds a delete of obj should wait before the object goes, if it goes
 * gracefully: pods on a node get their grace period so the kubelet can stop them.
 */
export function gracePeriodFor(r: ResourceType, obj: KObject, requested: number | undefined): number {
  if (r.group !== '' || r.kind !== 'Pod') return 0;
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  if (!spec.nodeName || status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
  if (requested !== undefined) return Math.max(0, requested);
  return typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
}

/** Namespaces wait for their spec.finalizers (the namespace controller) to empty. */
export function specFinalizers(r: ResourceType, obj: KObject): string[] {
  if (r.group !== '' || r.kind !== 'Namespace') return [];
  const spec = isObject(obj.spec) ? obj.spec : {};
  return Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
}
