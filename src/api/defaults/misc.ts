// Defaults of the smaller kinds: namespaces, nodes, storage, secrets, endpoints,
// autoscalers, network policies, RBAC bindings, priority and storage classes.

import { type JsonObject, arr, ensureObj, obj, objs, str } from '../validation/json.js';

function setIfAbsent(o: JsonObject, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

export function defaultNamespace(ns: JsonObject): void {
  const meta = ensureObj(ns, 'metadata');
  const name = str(meta, 'name');
  if (name) ensureObj(meta, 'labels')['kubernetes.io/metadata.name'] = name;
  const status = ensureObj(ns, 'status');
  if (!str(status, 'phase')) status.phase = 'Active';
}

/** The namespace strategy on create: the 'kubernetes' finalizer the namespace controller removes. */
export function prepareNamespaceOnCreate(ns: JsonObject): void {
  const spec = ensureObj(ns, 'spec');
  const fins = arr(spec, 'finalizers');
  if (!fins.includes('kubernetes')) spec.finalizers = [...fins, 'kubernetes'];
  ns.status = { phase: 'Active' };
}

export function defaultNode(node: JsonObject): void {
  const status = obj(node, 'status');
  if (status && obj(status, 'capacity') && !obj(status, 'allocatable')) status.allocatable = { ...obj(status, 'capacity') };
}

export function defaultPersistentVolume(pv: JsonObject): void {
  const spec = ensureObj(pv, 'spec');
  if (!str(spec, 'persistentVolumeReclaimPolicy')) spec.persistentVolumeReclaimPolicy = 'Retain';
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  const status = ensureObj(pv, 'status');
  if (!str(status, 'phase')) status.phase = 'Pending';
}

export function defaultPersistentVolumeClaim(pvc: JsonObject): void {
  setIfAbsent(ensureObj(pvc, 'spec'), 'volumeMode', 'Filesystem');
  const status = ensureObj(pvc, 'status');
  if (!str(status, 'phase')) status.phase = 'Pending';
}

/**
 * Secrets: type Opaque, and stringData folded into data (base64), overriding keys of
 * the same name, as Kubernetes' conversion does on every write; stringData is never
 * stored or returned.
 */
export function defaultSecret(s: JsonObject): void {
  if (!str(s, 'type')) s.type = 'Opaque';
  const sd = obj(s, 'stringData');
  if (sd) {
    const data = ensureObj(s, 'data');
    for (const [k, v] of Object.entries(sd)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete s.stringData;
  }
}

export function defaultEndpoints(ep: JsonObject): void {
  for (const ss of objs(ep, 'subsets')) for (const p of objs(ss, 'ports')) if (!str(p, 'protocol')) p.protocol = 'TCP';
}

export function defaultEndpointSlice(es: JsonObject): void {
  for (const p of objs(es, 'ports')) {
    setIfAbsent(p, 'name', '');
    setIfAbsent(p, 'protocol', 'TCP');
  }
}

export function defaultLimitRange(lr: JsonObject): void {
  for (const item of objs(ensureObj(lr, 'spec'), 'limits')) {
    if (str(item, 'type') !== 'Container') continue;
    const def = ensureObj(item, 'default');
    const defReq = ensureObj(item, 'defaultRequest');
    for (const [k, v] of Object.entries(obj(item, 'max') ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(obj(item, 'min') ?? {})) if (!(k in defReq)) defReq[k] = v;
  }
}

function scalingRules(rules: JsonObject | undefined, up: boolean): JsonObject {
  const r: JsonObject = rules ? { ...rules } : {};
  if (up) setIfAbsent(r, 'stabilizationWindowSeconds', 0);
  setIfAbsent(r, 'selectPolicy', 'Max');
  if (arr(r, 'policies').length === 0) {
    r.policies = up
      ? [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]
      : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  }
  return r;
}

/** autoscaling/v2 (and, with `v1`, autoscaling/v1, which only defaults minReplicas). */
export function defaultHorizontalPodAutoscaler(hpa: JsonObject, v1 = false): void {
  const spec = ensureObj(hpa, 'spec');
  setIfAbsent(spec, 'minReplicas', 1);
  if (v1) return;
  if (arr(spec, 'metrics').length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = obj(spec, 'behavior');
  // Only a given behavior is completed; an absent one means the controller's defaults.
  if (behavior) {
    behavior.scaleUp = scalingRules(obj(behavior, 'scaleUp'), true);
    behavior.scaleDown = scalingRules(obj(behavior, 'scaleDown'), false);
  }
}

export function defaultNetworkPolicy(np: JsonObject): void {
  const spec = ensureObj(np, 'spec');
  if (arr(spec, 'policyTypes').length === 0) {
    spec.policyTypes = arr(spec, 'egress').length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const dir of ['ingress', 'egress']) {
    for (const rule of objs(spec, dir)) for (const p of objs(rule, 'ports')) if (!str(p, 'protocol')) p.protocol = 'TCP';
  }
}

export function defaultRoleBinding(rb: JsonObject): void {
  const ref = obj(rb, 'roleRef');
  if (ref && !str(ref, 'apiGroup')) ref.apiGroup = 'rbac.authorization.k8s.io';
  for (const s of objs(rb, 'subjects')) {
    if (s.apiGroup !== undefined && s.apiGroup !== '') continue;
    const kind = str(s, 'kind');
    if (kind === 'ServiceAccount') s.apiGroup = '';
    else if (kind === 'User' || kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
  }
}

export function defaultPriorityClass(pc: JsonObject): void {
  if (!str(pc, 'preemptionPolicy')) pc.preemptionPolicy = 'PreemptLowerPriority';
}

export function defaultStorageClass(sc: JsonObject): void {
  if (!str(sc, 'reclaimPolicy')) sc.reclaimPolicy = 'Delete';
  if (!str(sc, 'volumeBindingMode')) sc.volumeBindingMode = 'Immediate';
}
