// validateObject: the create and update validation of every built-in kind, as
// kube-apiserver runs it after defaulting and before admission webhooks and storage.

import type { ResourceType } from '../resources.js';
import type { FieldError } from './errors.js';
import type { JsonObject } from './json.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { type ServiceOptions, validateService } from './service.js';
import { validateControllerRevision, validateDaemonSet, validateDeployment, validateReplicaSet, validateReplicationController, validateStatefulSet } from './apps.js';
import { validateCronJob, validateJob } from './batch.js';
import { validateConfigMap, validateSecret, validateServiceAccount } from './config.js';
import {
  validateEndpointSlice, validateEndpoints, validateEvent, validateLease, validateLimitRange, validateNamespace, validateNode,
  validatePersistentVolume, validatePersistentVolumeClaim, validateResourceQuota,
} from './cluster.js';
import { validateHorizontalPodAutoscaler } from './autoscaling.js';
import {
  validateIngress, validateIngressClass, validateNetworkPolicy, validatePodDisruptionBudget,
  validatePriorityClass, validateRole, validateRoleBinding, validateStorageClass,
} from './policy.js';

export type { FieldError, FieldErrorReason } from './errors.js';
export { invalidMessage, invalidStatus, qualifiedKind, formatFieldError } from './errors.js';
export { validateStatusUpdate } from './status.js';

export interface ValidationOptions extends ServiceOptions {}

type Validator = (o: JsonObject, old: JsonObject | undefined, opts: ValidationOptions) => FieldError[];

const validators: Record<string, Validator> = {
  '/Pod': (o, old) => (old ? validatePodUpdate(o, old) : validatePod(o)),
  '/Service': (o, old, opts) => validateService(o, opts, old),
  '/Namespace': (o, old) => validateNamespace(o, old),
  '/Node': (o, old) => validateNode(o, old),
  '/ConfigMap': (o, old) => validateConfigMap(o, old),
  '/Secret': (o, old) => validateSecret(o, old),
  '/ServiceAccount': (o, old) => validateServiceAccount(o, old),
  '/Endpoints': (o, old) => validateEndpoints(o, old),
  '/Event': (o, old) => validateEvent(o, false, old),
  '/PersistentVolume': (o, old) => validatePersistentVolume(o, old),
  '/PersistentVolumeClaim': (o, old) => validatePersistentVolumeClaim(o, old),
  '/ResourceQuota': (o, old) => validateResourceQuota(o, old),
  '/LimitRange': (o, old) => validateLimitRange(o, old),
  '/ReplicationController': (o, old) => validateReplicationController(o, old),
  'apps/Deployment': (o, old) => validateDeployment(o, old),
  'apps/ReplicaSet': (o, old) => validateReplicaSet(o, old),
  'apps/StatefulSet': (o, old) => validateStatefulSet(o, old),
  'apps/DaemonSet': (o, old) => validateDaemonSet(o, old),
  'apps/ControllerRevision': (o, old) => validateControllerRevision(o, old),
  'batch/Job': (o, old) => validateJob(o, old),
  'batch/CronJob': (o, old) => validateCronJob(o, old),
  'autoscaling/HorizontalPodAutoscaler': (o, old) => validateHorizontalPodAutoscaler(o, old),
  'coordination.k8s.io/Lease': (o, old) => validateLease(o, old),
  'discovery.k8s.io/EndpointSlice': (o, old) => validateEndpointSlice(o, old),
  'events.k8s.io/Event': (o, old) => validateEvent(o, true, old),
  'rbac.authorization.k8s.io/Role': (o, old) => validateRole(o, true, old),
  'rbac.authorization.k8s.io/ClusterRole': (o, old) => validateRole(o, false, old),
  'rbac.authorization.k8s.io/RoleBinding': (o, old) => validateRoleBinding(o, true, old),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o, old) => validateRoleBinding(o, false, old),
  'scheduling.k8s.io/PriorityClass': (o, old) => validatePriorityClass(o, old),
  'storage.k8s.io/StorageClass': (o, old) => validateStorageClass(o, old),
  'networking.k8s.io/Ingress': (o, old) => validateIngress(o, old),
  'networking.k8s.io/IngressClass': (o, old) => validateIngressClass(o, old),
  'networking.k8s.io/NetworkPolicy': (o, old) => validateNetworkPolicy(o, old),
  'policy/PodDisruptionBudget': (o, old) => validatePodDisruptionBudget(o, old),
};

/**
 * The field errors of an object of kind `r` on create (no `old`) or update (`old` is
 * the stored object). Expects the object already defaulted (applyDefaults), as
 * Kubernetes validates after defaulting. An empty list means valid.
 */
export function validateObject(r: ResourceType, obj: Record<string, unknown>, old?: Record<string, unknown>, opts: ValidationOptions = {}): FieldError[] {
  const v = validators[`${r.group}/${r.kind}`];
  if (v) return v(obj, old, opts);
  return old ? validateObjectMetaUpdate(obj, old) : validateObjectMeta(obj, r.namespaced, nameIsDNSSubdomain);
}

/** Whether validateObject knows the kind's own rules (beyond object metadata). */
export function hasKindValidation(r: ResourceType): boolean {
  return `${r.group}/${r.kind}` in validators;
}
