// Pod and pod-template defaults, as Kubernetes' core/v1 defaulters set them, plus the
// pod-only fields that the API server's admission and create strategy fill in.

import { type JsonObject, ensureObj, isObj, obj, objs, str } from '../validation/json.js';
import { isValidQuantity, parseQuantityExact } from '../validation/quantity.js';

/** The tag of an image reference: after the last ':' past the last '/'; 'latest' when absent. */
export function imageTag(image: string): string {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const lastColon = noDigest.lastIndexOf(':');
  if (lastColon > lastSlash) return noDigest.slice(lastColon + 1);
  // A digest pins the image: no tag, and no implied 'latest'.
  return image.includes('@') ? '' : 'latest';
}

function setIfAbsent(o: JsonObject, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

function defaultHTTPGet(h: JsonObject | undefined): void {
  const g = obj(h, 'httpGet');
  if (!g) return;
  setIfAbsent(g, 'path', '/');
  setIfAbsent(g, 'scheme', 'HTTP');
}

function defaultProbe(p: JsonObject | undefined): void {
  if (!p) return;
  setIfAbsent(p, 'timeoutSeconds', 1);
  setIfAbsent(p, 'periodSeconds', 10);
  setIfAbsent(p, 'successThreshold', 1);
  setIfAbsent(p, 'failureThreshold', 3);
  defaultHTTPGet(p);
}

function defaultFieldRef(ref: JsonObject | undefined): void {
  if (ref) setIfAbsent(ref, 'apiVersion', 'v1');
}

function defaultResourceFieldRef(ref: JsonObject | undefined): void {
  // A zero divisor serialises as "0" in Kubernetes' output.
  if (ref) setIfAbsent(ref, 'divisor', '0');
}

export function defaultContainer(c: JsonObject): void {
  if (!str(c, 'imagePullPolicy')) c.imagePullPolicy = imageTag(str(c, 'image')) === 'latest' ? 'Always' : 'IfNotPresent';
  setIfAbsent(c, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(c, 'terminationMessagePolicy', 'File');
  setIfAbsent(c, 'resources', {});
  for (const port of objs(c, 'ports')) setIfAbsent(port, 'protocol', 'TCP');
  for (const e of objs(c, 'env')) {
    const from = obj(e, 'valueFrom');
    defaultFieldRef(obj(from, 'fieldRef'));
    defaultResourceFieldRef(obj(from, 'resourceFieldRef'));
  }
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(obj(c, k));
  const lc = obj(c, 'lifecycle');
  defaultHTTPGet(obj(lc, 'postStart'));
  defaultHTTPGet(obj(lc, 'preStop'));
}

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

export function defaultVolume(v: JsonObject): void {
  if (!volumeSources.some((k) => isObj(v[k]))) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = obj(v, k);
    if (src) setIfAbsent(src, 'defaultMode', 420);
  }
  const hp = obj(v, 'hostPath');
  if (hp) setIfAbsent(hp, 'type', '');
  for (const item of objs(obj(v, 'downwardAPI'), 'items')) {
    defaultFieldRef(obj(item, 'fieldRef'));
    defaultResourceFieldRef(obj(item, 'resourceFieldRef'));
  }
  for (const s of objs(obj(v, 'projected'), 'sources')) {
    const sat = obj(s, 'serviceAccountToken');
    if (sat) setIfAbsent(sat, 'expirationSeconds', 3600);
    for (const item of objs(obj(s, 'downwardAPI'), 'items')) defaultFieldRef(obj(item, 'fieldRef'));
  }
  const iscsi = obj(v, 'iscsi');
  if (iscsi) setIfAbsent(iscsi, 'iscsiInterface', 'default');
  const azureDisk = obj(v, 'azureDisk');
  if (azureDisk) {
    setIfAbsent(azureDisk, 'cachingMode', 'ReadWrite');
    setIfAbsent(azureDisk, 'kind', 'Shared');
    setIfAbsent(azureDisk, 'fsType', 'ext4');
    setIfAbsent(azureDisk, 'readOnly', false);
  }
  const scaleIO = obj(v, 'scaleIO');
  if (scaleIO) {
    if (!str(scaleIO, 'storageMode')) scaleIO.storageMode = 'ThinProvisioned';
    if (!str(scaleIO, 'fsType')) scaleIO.fsType = 'xfs';
  }
  const rbd = obj(v, 'rbd');
  if (rbd) {
    if (!str(rbd, 'pool')) rbd.pool = 'rbd';
    if (!str(rbd, 'user')) rbd.user = 'admin';
    if (!str(rbd, 'keyring')) rbd.keyring = '/etc/ceph/keyring';
  }
  const pvcTpl = obj(obj(obj(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec');
  if (pvcTpl) setIfAbsent(pvcTpl, 'volumeMode', 'Filesystem');
}

/** Defaults of a PodSpec, for pods and for pod templates alike. */
export function defaultPodSpec(spec: JsonObject): void {
  setIfAbsent(spec, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfAbsent(spec, 'schedulerName', 'default-scheduler');
  for (const k of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of objs(spec, k)) defaultContainer(c);
  for (const v of objs(spec, 'volumes')) defaultVolume(v);
  // serviceAccount is the deprecated mirror of serviceAccountName; conversion keeps them equal.
  const sa = str(spec, 'serviceAccountName') || str(spec, 'serviceAccount');
  if (sa) {
    spec.serviceAccountName = sa;
    spec.serviceAccount = sa;
  }
}

/** Defaults of the pod template embedded in a workload (template.spec). */
export function defaultPodTemplate(tpl: JsonObject | undefined): void {
  if (!tpl) return;
  defaultPodSpec(ensureObj(tpl, 'spec'));
}

function copyLimitsToRequests(c: JsonObject): void {
  const res = obj(c, 'resources');
  const limits = obj(res, 'limits');
  if (!res || !limits) return;
  const requests = ensureObj(res, 'requests');
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

/** The built-in priority classes the Priority admission plugin resolves by name. */
export const systemPriorities: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/**
 * Pod-only defaults: requests from limits and enableServiceLinks (core/v1 defaulting),
 * and what admission fills in for every pod: serviceAccountName 'default'
 * (ServiceAccount plugin) and priority with its preemption policy (Priority plugin;
 * classes other than the built-in ones are resolved by the caller, which may pass
 * `priority`).
 */
export function defaultPod(pod: JsonObject, opts: { priority?: number; preemptionPolicy?: string } = {}): void {
  const spec = ensureObj(pod, 'spec');
  defaultPodSpec(spec);
  for (const k of ['containers', 'initContainers']) for (const c of objs(spec, k)) copyLimitsToRequests(c);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const k of ['containers', 'initContainers']) {
      for (const c of objs(spec, k)) for (const p of objs(c, 'ports')) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
  if (!str(spec, 'serviceAccountName')) {
    spec.serviceAccountName = 'default';
    spec.serviceAccount = 'default';
  }
  if (typeof spec.priority !== 'number') {
    const cls = str(spec, 'priorityClassName');
    spec.priority = opts.priority ?? systemPriorities[cls] ?? 0;
  }
  setIfAbsent(spec, 'preemptionPolicy', opts.preemptionPolicy ?? 'PreemptLowerPriority');
}

/** Kubernetes' QoS class of a pod: Guaranteed, Burstable or BestEffort. */
export function podQOSClass(pod: JsonObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = obj(pod, 'spec') ?? {};
  const containers = [...objs(spec, 'initContainers'), ...objs(spec, 'containers')];
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const nonZero = (v: unknown): bigint | undefined => {
    if (!isValidQuantity(v)) return undefined;
    const n = parseQuantityExact(v as string).nanos;
    return n > 0n ? n : undefined;
  };
  for (const c of containers) {
    const res = obj(c, 'resources');
    const found = new Set<string>();
    for (const [list, into] of [[obj(res, 'requests'), requests], [obj(res, 'limits'), limits]] as const) {
      for (const r of ['cpu', 'memory']) {
        const n = nonZero(list?.[r]);
        if (n === undefined) continue;
        into.set(r, (into.get(r) ?? 0n) + n);
        if (into === limits) found.add(r);
      }
    }
    if (found.size < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && [...requests].every(([k, v]) => limits.get(k) === v)) return 'Guaranteed';
  return 'Burstable';
}

/** What the pod create strategy sets: a fresh Pending status with the QoS class. */
export function preparePodOnCreate(pod: JsonObject): void {
  pod.status = { phase: 'Pending', qosClass: podQOSClass(pod) };
}

