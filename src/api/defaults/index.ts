// applyDefaults: the defaulting kube-apiserver applies to an object of a built-in kind
// as it is decoded (on create and update, and when read back from storage), mutating
// the object in place. Strategy work that happens only once on create is exported
// separately (prepareJobOnCreate, prepareNamespaceOnCreate, preparePodOnCreate), as are
// the admission plugins' defaults for pods (defaultTolerations, addDefaultTolerations).

import type { ResourceType } from '../resources.js';
import type { JsonObject } from '../validation/json.js';
import { defaultPod } from './pod.js';
import { defaultService } from './service.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultReplicationController, defaultStatefulSet } from './workloads.js';
import { defaultCronJob, defaultJob } from './batch.js';
import {
  defaultEndpointSlice, defaultEndpoints, defaultHorizontalPodAutoscaler, defaultLimitRange, defaultNamespace, defaultNetworkPolicy,
  defaultNode, defaultPersistentVolume, defaultPersistentVolumeClaim, defaultPriorityClass, defaultRoleBinding, defaultSecret,
  defaultStorageClass,
} from './misc.js';

export { defaultPod, defaultPodSpec, defaultContainer, podQOSClass, preparePodOnCreate, imageTag, systemPriorities } from './pod.js';
export { defaultTolerations, addDefaultTolerations } from './tolerations.js';
export { prepareJobOnCreate, controllerUidLabel, jobNameLabel } from './batch.js';
export { prepareNamespaceOnCreate } from './misc.js';
export { prepareServiceForUpdate } from './service.js';

const defaulters: Record<string, (o: JsonObject, r: ResourceType) => void> = {
  '/Pod': (o) => defaultPod(o),
  '/Service': defaultService,
  '/Namespace': defaultNamespace,
  '/Node': defaultNode,
  '/Secret': defaultSecret,
  '/Endpoints': defaultEndpoints,
  '/PersistentVolume': defaultPersistentVolume,
  '/PersistentVolumeClaim': defaultPersistentVolumeClaim,
  '/LimitRange': defaultLimitRange,
  '/ReplicationController': defaultReplicationController,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/StatefulSet': defaultStatefulSet,
  'apps/DaemonSet': defaultDaemonSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'autoscaling/HorizontalPodAutoscaler': (o, r) => defaultHorizontalPodAutoscaler(o, r.version === 'v1'),
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
  'networking.k8s.io/NetworkPolicy': defaultNetworkPolicy,
  'rbac.authorization.k8s.io/RoleBinding': defaultRoleBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultRoleBinding,
  'scheduling.k8s.io/PriorityClass': defaultPriorityClass,
  'storage.k8s.io/StorageClass': defaultStorageClass,
};

/** Fills in the served version's defaults of `obj` (a kind of `r`), in place. */
export function applyDefaults(r: ResourceType, obj: Record<string, unknown>): void {
  defaulters[`${r.group}/${r.kind}`]?.(obj, r);
}
