// apps/v1 workloads and the core ReplicationController.

import { type JsonObject, ensureObj, obj, objs, str, strMap } from '../validation/json.js';
import { defaultPodTemplate } from './pod.js';

function setIfAbsent(o: JsonObject, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

export function defaultDeployment(d: JsonObject): void {
  const spec = ensureObj(d, 'spec');
  setIfAbsent(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  if (!str(strategy, 'type')) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', '25%');
    setIfAbsent(ru, 'maxSurge', '25%');
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(obj(spec, 'template'));
}

export function defaultReplicaSet(rs: JsonObject): void {
  const spec = ensureObj(rs, 'spec');
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplate(obj(spec, 'template'));
}

export function defaultStatefulSet(s: JsonObject): void {
  const spec = ensureObj(s, 'spec');
  if (!str(spec, 'podManagementPolicy')) spec.podManagementPolicy = 'OrderedReady';
  const us = ensureObj(spec, 'updateStrategy');
  if (!str(us, 'type')) {
    us.type = 'RollingUpdate';
    ensureObj(us, 'rollingUpdate');
  }
  const ru = obj(us, 'rollingUpdate');
  if (us.type === 'RollingUpdate' && ru) setIfAbsent(ru, 'partition', 0);
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  setIfAbsent(retention, 'whenDeleted', 'Retain');
  setIfAbsent(retention, 'whenScaled', 'Retain');
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  // serviceName is optional but not omitempty: Kubernetes always writes it, "" if unset.
  setIfAbsent(spec, 'serviceName', '');
  defaultPodTemplate(obj(spec, 'template'));
  for (const pvc of objs(spec, 'volumeClaimTemplates')) {
    setIfAbsent(pvc, 'apiVersion', 'v1');
    setIfAbsent(pvc, 'kind', 'PersistentVolumeClaim');
    setIfAbsent(ensureObj(pvc, 'spec'), 'volumeMode', 'Filesystem');
    setIfAbsent(ensureObj(pvc, 'status'), 'phase', 'Pending');
  }
}

export function defaultDaemonSet(ds: JsonObject): void {
  const spec = ensureObj(ds, 'spec');
  const us = ensureObj(spec, 'updateStrategy');
  if (!str(us, 'type')) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', 1);
    setIfAbsent(ru, 'maxSurge', 0);
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(obj(spec, 'template'));
}

export function defaultReplicationController(rc: JsonObject): void {
  const spec = ensureObj(rc, 'spec');
  const tpl = obj(spec, 'template');
  const labels = strMap(obj(tpl, 'metadata'), 'labels');
  if (Object.keys(labels).length > 0) {
    if (Object.keys(strMap(spec, 'selector')).length === 0) spec.selector = { ...labels };
    const meta = ensureObj(rc, 'metadata');
    if (Object.keys(strMap(meta, 'labels')).length === 0) meta.labels = { ...labels };
  }
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplate(tpl);
}
