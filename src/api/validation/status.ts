// Updates through the status subresource: metadata may not change identity, and the
// status itself must be coherent (counters not negative nor above their totals, IPs
// valid, finished containers staying finished). Controllers and kubelets write these.

import type { ResourceType } from '../resources.js';
import { type FieldError, FieldPath, duplicate, forbidden, invalid } from './errors.js';
import { type JsonObject, num, obj, objs, str } from './json.js';
import { isIPv4, isQualifiedName, isValidIP, nameIsDNSSubdomain } from './names.js';
import { validateObjectMetaUpdate } from './meta.js';

const sp = new FieldPath('status');

function nonNegative(o: JsonObject, keys: string[], p: FieldPath, errs: FieldError[]): void {
  for (const k of keys) {
    const v = num(o, k);
    if (v !== undefined && v < 0) errs.push(invalid(p.child(k), v, 'must be greater than or equal to 0'));
  }
}

function notAbove(o: JsonObject, k: string, limitKey: string, msg: string, errs: FieldError[]): void {
  const v = num(o, k) ?? 0;
  if (v > (num(o, limitKey) ?? 0)) errs.push(invalid(sp.child(k), v, msg));
}

function validateReplicaStatus(status: JsonObject, kind: string, errs: FieldError[]): void {
  const msg = 'cannot be greater than status.replicas';
  if (kind === 'Deployment') {
    nonNegative(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'], sp, errs);
    notAbove(status, 'updatedReplicas', 'replicas', msg, errs);
  } else if (kind === 'StatefulSet') {
    nonNegative(status, ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'collisionCount'], sp, errs);
    notAbove(status, 'currentReplicas', 'replicas', msg, errs);
    notAbove(status, 'updatedReplicas', 'replicas', msg, errs);
  } else {
    nonNegative(status, ['observedGeneration', 'replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], sp, errs);
    notAbove(status, 'fullyLabeledReplicas', 'replicas', msg, errs);
  }
  notAbove(status, 'readyReplicas', 'replicas', msg, errs);
  notAbove(status, 'availableReplicas', 'replicas', msg, errs);
  notAbove(status, 'availableReplicas', 'readyReplicas', 'cannot be greater than readyReplicas', errs);
}

function validateIPList(list: JsonObject[], p: FieldPath, errs: FieldError[]): void {
  list.forEach((x, i) => {
    const ip = str(x, 'ip');
    if (!isValidIP(ip)) errs.push(invalid(p.index(i).child('ip'), ip, 'must be a valid IP address'));
  });
  if (list.length > 2 || (list.length === 2 && isIPv4(str(list[0], 'ip')) === isIPv4(str(list[1], 'ip')))) {
    errs.push(invalid(p, list, 'may specify no more than one IP for each IP family'));
  }
}

const systemPodConditions = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers', 'DisruptionTarget', 'PodResizePending', 'PodResizeInProgress']);

function validatePodStatus(pod: JsonObject, old: JsonObject, errs: FieldError[]): void {
  const status = obj(pod, 'status') ?? {};
  const oldStatus = obj(old, 'status') ?? {};
  const nominated = str(status, 'nominatedNodeName');
  if (nominated) for (const m of nameIsDNSSubdomain(nominated, false)) errs.push(invalid(sp.child('nominatedNodeName'), nominated, m));
  validateIPList(objs(status, 'podIPs'), sp.child('podIPs'), errs);
  validateIPList(objs(status, 'hostIPs'), sp.child('hostIPs'), errs);
  objs(status, 'conditions').forEach((c, i) => {
    const t = str(c, 'type');
    if (!systemPodConditions.has(t)) for (const m of isQualifiedName(t)) errs.push(invalid(sp.child('conditions').index(i).child('Type'), t, m));
  });
  // A container that finished for good (restartPolicy Never, or OnFailure with exit 0) stays finished.
  const policy = str(obj(pod, 'spec'), 'restartPolicy');
  for (const k of ['containerStatuses', 'initContainerStatuses']) {
    const before = new Map(objs(oldStatus, k).map((c) => [str(c, 'name'), c]));
    objs(status, k).forEach((c, i) => {
      const prev = before.get(str(c, 'name'));
      const was = obj(obj(prev, 'state'), 'terminated');
      if (!was || obj(obj(c, 'state'), 'terminated')) return;
      const final = policy === 'Never' || (policy === 'OnFailure' && (num(was, 'exitCode') ?? 0) === 0);
      if (final && k === 'containerStatuses') errs.push(forbidden(sp.child(k).index(i).child('state'), 'may not be transitioned to non-terminated state'));
    });
  }
}

function validateNodeStatus(node: JsonObject, errs: FieldError[]): void {
  const status = obj(node, 'status') ?? {};
  const seen = new Set<string>();
  objs(status, 'addresses').forEach((a, i) => {
    const key = `${str(a, 'type')}\u0000${str(a, 'address')}`;
    if (seen.has(key)) errs.push(duplicate(sp.child('addresses').index(i), a));
    seen.add(key);
  });
}

/** Validation of an update through `<resource>/status` (`old` is the stored object). */
export function validateStatusUpdate(r: ResourceType, o: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const errs = validateObjectMetaUpdate(o, old);
  const status = obj(o, 'status') ?? {};
  switch (`${r.group}/${r.kind}`) {
    case '/Pod': validatePodStatus(o, old, errs); break;
    case '/Node': validateNodeStatus(o, errs); break;
    case 'apps/Deployment': case 'apps/ReplicaSet': case 'apps/StatefulSet': case '/ReplicationController':
      validateReplicaStatus(status, r.kind, errs);
      break;
    case 'apps/DaemonSet':
      nonNegative(status, ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'], sp, errs);
      break;
    case 'batch/Job':
      nonNegative(status, ['active', 'succeeded', 'failed', 'ready', 'terminating'], sp, errs);
      break;
    case '/Service':
      objs(obj(status, 'loadBalancer'), 'ingress').forEach((ing, i) => {
        const ip = str(ing, 'ip');
        if (ip && !isValidIP(ip)) errs.push(invalid(sp.child('loadBalancer', 'ingress').index(i).child('ip'), ip, 'must be a valid IP address'));
      });
      break;
    case 'policy/PodDisruptionBudget':
      nonNegative(status, ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods', 'observedGeneration'], sp, errs);
      break;
    case 'autoscaling/HorizontalPodAutoscaler':
      nonNegative(status, ['currentReplicas', 'desiredReplicas'], sp, errs);
      break;
    default:
      break;
  }
  return errs;
}
