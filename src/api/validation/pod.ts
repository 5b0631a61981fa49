// Pod specs (for pods and for the templates of workloads) and pod updates.

import { type FieldError, FieldPath, GoValue, duplicate, forbidden, goQuote, invalid, notFound, notSupported, required } from './errors.js';
import { type JsonObject, arr, bool, deepEqual, isObj, num, obj, objs, str, strMap } from './json.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isLabelValue, nameIsDNSSubdomain } from './names.js';
import { validateContainer, validateSecurityContext } from './container.js';
import { validateVolumes } from './volumes.js';
import { validateAffinity, validateSchedulingGates, validateTopologySpreadConstraints } from './scheduling.js';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';

export const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const tolerationOperators = ['Equal', 'Exists'];
// In Kubernetes' order, which its 'supported values' lists keep.
export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const maxInt32 = 2147483647;

export function validateTolerations(tolerations: JsonObject[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const ip = p.index(i);
    const key = str(t, 'key');
    if (key) for (const m of isQualifiedName(key)) errs.push(invalid(ip.child('key'), key, m));
    const op = str(t, 'operator');
    if (!key && op !== 'Exists') errs.push(invalid(ip.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    const value = str(t, 'value');
    if (op === 'Exists' && value) {
      const secs = num(t, 'tolerationSeconds');
      const shown = new GoValue(`core.Toleration{Key:${goQuote(key)}, Operator:${goQuote(op)}, Value:${goQuote(value)}, Effect:${goQuote(str(t, 'effect'))}, TolerationSeconds:${secs === undefined ? '(*int64)(nil)' : `(*int64)(${secs})`}}`);
      errs.push(invalid(ip.child('operator'), shown, 'value must be empty when `operator` is \'Exists\''));
    }
    else if (op && !tolerationOperators.includes(op)) errs.push(notSupported(ip.child('operator'), op, tolerationOperators));
    else if (op !== 'Exists') for (const m of isLabelValue(value)) errs.push(invalid(ip.child('value'), value, m));
    const effect = str(t, 'effect');
    if (effect && !taintEffects.includes(effect)) errs.push(notSupported(ip.child('effect'), effect, taintEffects));
    if (num(t, 'tolerationSeconds') !== undefined && effect !== 'NoExecute') {
      errs.push(invalid(ip.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  });
  return errs;
}

export interface PodSpecOptions {
  /** Templates of workloads skip pod-only rules. */
  template?: boolean;
}

export function validatePodSpec(spec: JsonObject, p: FieldPath, _opts: PodSpecOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  const vols = validateVolumes(objs(spec, 'volumes'), p.child('volumes'));
  errs.push(...vols.errors);
  const hostNetwork = bool(spec, 'hostNetwork') === true;
  const names = new Set<string>();
  objs(spec, 'initContainers').forEach((c, i) => {
    errs.push(...validateContainer(c, p.child('initContainers').index(i), names, { volumes: vols.names, hostNetwork, init: true }));
  });
  const containers = objs(spec, 'containers');
  if (containers.length === 0) errs.push(required(p.child('containers')));
  containers.forEach((c, i) => {
    errs.push(...validateContainer(c, p.child('containers').index(i), names, { volumes: vols.names, hostNetwork, init: false }));
  });
  const rp = str(spec, 'restartPolicy');
  if (!rp) errs.push(required(p.child('restartPolicy')));
  else if (!restartPolicies.includes(rp)) errs.push(notSupported(p.child('restartPolicy'), rp, restartPolicies));
  const dns = str(spec, 'dnsPolicy');
  if (!dns) errs.push(required(p.child('dnsPolicy')));
  else if (!dnsPolicies.includes(dns)) errs.push(notSupported(p.child('dnsPolicy'), dns, dnsPolicies));
  if (dns === 'None' && !obj(spec, 'dnsConfig')) errs.push(required(p.child('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  const dnsConfig = obj(spec, 'dnsConfig');
  if (dnsConfig) {
    const ns = arr(dnsConfig, 'nameservers');
    if (ns.length > 3) errs.push(invalid(p.child('dnsConfig', 'nameservers'), ns, 'must not have more than 3 nameservers'));
    ns.forEach((ip, i) => {
      if (typeof ip !== 'string' || !isValidIP(ip)) errs.push(invalid(p.child('dnsConfig', 'nameservers').index(i), ip, 'must be a valid IP address'));
    });
  }
  errs.push(...validateLabels(strMap(spec, 'nodeSelector'), p.child('nodeSelector')));
  for (const k of ['serviceAccountName', 'priorityClassName', 'schedulerName']) {
    const v = str(spec, k);
    if (v) for (const m of isDNS1123Subdomain(v)) errs.push(invalid(p.child(k), v, m));
  }
  for (const k of ['hostname', 'subdomain']) {
    const v = str(spec, k);
    if (v) for (const m of isDNS1123Label(v)) errs.push(invalid(p.child(k), v, m));
  }
  const nodeName = str(spec, 'nodeName');
  if (nodeName) for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(invalid(p.child('nodeName'), nodeName, m));
  const ads = num(spec, 'activeDeadlineSeconds');
  if (ads !== undefined && (ads < 1 || ads > maxInt32)) errs.push(invalid(p.child('activeDeadlineSeconds'), ads, `must be between 1 and ${maxInt32}, inclusive`));
  const tgp = num(spec, 'terminationGracePeriodSeconds');
  if (tgp !== undefined && tgp < 0) errs.push(invalid(p.child('terminationGracePeriodSeconds'), tgp, 'must be greater than or equal to 0'));
  errs.push(...validateTolerations(objs(spec, 'tolerations'), p.child('tolerations')));
  objs(spec, 'imagePullSecrets').forEach((s, i) => {
    if (!str(s, 'name')) errs.push(required(p.child('imagePullSecrets').index(i).child('name')));
  });
  objs(spec, 'readinessGates').forEach((g, i) => {
    const t = str(g, 'conditionType');
    for (const m of isQualifiedName(t)) errs.push(invalid(p.child('readinessGates').index(i).child('conditionType'), t, m));
  });
  errs.push(...validateSecurityContext(obj(spec, 'securityContext'), p.child('securityContext')));
  errs.push(...validateAffinity(obj(spec, 'affinity'), p.child('affinity')));
  errs.push(...validateTopologySpreadConstraints(objs(spec, 'topologySpreadConstraints'), p.child('topologySpreadConstraints')));
  errs.push(...validateSchedulingGates(objs(spec, 'schedulingGates'), p.child('schedulingGates')));
  if (bool(spec, 'shareProcessNamespace') === true && bool(spec, 'hostPID') === true) {
    errs.push(invalid(p.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  if (bool(spec, 'hostUsers') === false) {
    // Kubernetes' own paths and text, capitals of its Go field names included.
    for (const [k, at] of [['hostNetwork', 'hostNetwork'], ['hostPID', 'HostPID'], ['hostIPC', 'HostIPC']] as const) {
      if (bool(spec, k) === true) errs.push(forbidden(p.child(at), 'when `pod.Spec.HostUsers` is false'));
    }
  } else {
    // An unmasked /proc only inside the pod's own user namespace.
    for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
      objs(spec, kind).forEach((c, i) => {
        if (str(obj(c, 'securityContext'), 'procMount') === 'Unmasked') {
          errs.push(invalid(p.child(kind).index(i).child('securityContext', 'procMount'), 'Unmasked', '`hostUsers` must be false to use `Unmasked`'));
        }
      });
    }
  }
  return errs;
}

/** A pod template as embedded in workloads: labels/annotations and the spec. */
export function validatePodTemplateSpec(tpl: JsonObject | undefined, p: FieldPath): FieldError[] {
  if (!tpl) return [required(p)];
  // Kubernetes reports template labels at '<template>.labels' (the embedded ObjectMeta
  // is inlined in its Go type), not at '<template>.metadata.labels'.
  const meta = obj(tpl, 'metadata') ?? {};
  const errs = validateLabels(strMap(meta, 'labels'), p.child('labels'));
  errs.push(...validateAnnotations(strMap(meta, 'annotations'), p.child('annotations')));
  const spec = obj(tpl, 'spec') ?? {};
  errs.push(...validatePodSpec(spec, p.child('spec'), { template: true }));
  if (objs(spec, 'ephemeralContainers').length > 0) errs.push(forbidden(p.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  return errs;
}

export function validatePod(pod: JsonObject): FieldError[] {
  const errs = validateObjectMeta(pod, true, nameIsDNSSubdomain);
  const spec = obj(pod, 'spec') ?? {};
  errs.push(...validatePodSpec(spec, new FieldPath('spec')));
  if (objs(spec, 'ephemeralContainers').length > 0) errs.push(forbidden(new FieldPath('spec').child('ephemeralContainers'), 'cannot be set on create'));
  objs(spec, 'containers').forEach((c, i) => {
    const image = str(c, 'image');
    if (image && image.trim() !== image) errs.push(invalid(new FieldPath('spec').child('containers').index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return errs;
}

const podUpdateMessage = 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Pod specs are immutable but for images, a shorter deadline, added tolerations and removed gates. */
export function validatePodUpdate(pod: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pod, old);
  const spec = obj(pod, 'spec') ?? {};
  const oldSpec = obj(old, 'spec') ?? {};
  const sp = new FieldPath('spec');
  errs.push(...validatePodSpec(spec, sp));
  errs.push(...validateEphemeralContainers(spec, oldSpec, sp.child('ephemeralContainers')));
  const newAds = num(spec, 'activeDeadlineSeconds');
  const oldAds = num(oldSpec, 'activeDeadlineSeconds');
  if (oldAds !== undefined) {
    if (newAds === undefined) errs.push(invalid(sp.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
    else if (newAds > oldAds) errs.push(invalid(sp.child('activeDeadlineSeconds'), newAds, 'must be less than or equal to previous value'));
  }
  const oldTols = objs(oldSpec, 'tolerations');
  const newTols = objs(spec, 'tolerations');
  for (const t of oldTols) {
    if (!newTols.some((n) => sameToleration(n, t))) {
      errs.push(forbidden(sp.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  // Compare everything else with the mutable fields copied over from the old spec.
  const munged: JsonObject = structuredClone(spec);
  for (const k of ['containers', 'initContainers', 'ephemeralContainers']) {
    const oldCs = objs(oldSpec, k);
    const cs = arr(munged, k);
    cs.forEach((c, i) => {
      if (isObj(c) && oldCs[i]) c.image = oldCs[i].image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.tolerations = oldSpec.tolerations;
  munged.ephemeralContainers = oldSpec.ephemeralContainers;
  // Binding (pods/binding) sets nodeName once. Kubernetes' binding path skips update
  // validation altogether; ours passes through it, so accept exactly that change.
  if (!str(oldSpec, 'nodeName') && str(spec, 'nodeName')) munged.nodeName = oldSpec.nodeName;
  // Gates may only be removed, and only while the pod waits on them.
  const oldGates = new Set(objs(oldSpec, 'schedulingGates').map((g) => str(g, 'name')));
  for (const g of objs(spec, 'schedulingGates')) {
    if (!oldGates.has(str(g, 'name'))) errs.push(forbidden(sp.child('schedulingGates'), `only deletion is allowed, but found new scheduling gate '${str(g, 'name')}'`));
  }
  if (oldGates.size > 0) munged.schedulingGates = oldSpec.schedulingGates;
  if ((num(oldSpec, 'terminationGracePeriodSeconds') ?? 0) < 0 && num(spec, 'terminationGracePeriodSeconds') === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (!deepEqual(munged, oldSpec)) {
    errs.push(forbidden(sp, `${podUpdateMessage}\n${describeDiff(oldSpec, munged, 'spec')}`));
  }
  return errs;
}

function sameToleration(a: JsonObject, b: JsonObject): boolean {
  return ['key', 'operator', 'value', 'effect'].every((k) => str(a, k) === str(b, k));
}

/** A short listing of the paths that differ, standing in for Go's cmp.Diff output. */
export function describeDiff(a: unknown, b: unknown, path: string): string {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, p: string): void => {
    if (deepEqual(x, y)) return;
    if (isObj(x) && isObj(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], `${p}.${k}`);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((v, i) => walk(v, y[i], `${p}[${i}]`));
      return;
    }
    out.push(`  ${p}: ${JSON.stringify(x ?? null)} -> ${JSON.stringify(y ?? null)}`);
  };
  walk(a, b, path);
  return out.join('\n');
}

const ephemeralForbidden = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/** Ephemeral containers (kubectl debug): added, never changed or removed; debugging only. */
function validateEphemeralContainers(spec: JsonObject, oldSpec: JsonObject, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const regular = new Set([...objs(spec, 'containers'), ...objs(spec, 'initContainers')].map((c) => str(c, 'name')));
  const seen = new Set(regular);
  const now = objs(spec, 'ephemeralContainers');
  now.forEach((c, i) => {
    const ip = p.index(i);
    const name = str(c, 'name');
    if (!name) errs.push(required(ip.child('name')));
    else {
      const msgs = isDNS1123Label(name);
      for (const m of msgs) errs.push(invalid(ip.child('name'), name, m));
      if (!msgs.length && seen.has(name)) errs.push(duplicate(ip.child('name'), name));
      seen.add(name);
    }
    if (!str(c, 'image')) errs.push(required(ip.child('image')));
    const target = str(c, 'targetContainerName');
    if (target && !regular.has(target)) errs.push(notFound(ip.child('targetContainerName'), target));
    for (const k of ephemeralForbidden) if (c[k] !== undefined && c[k] !== null) errs.push(forbidden(ip.child(k), 'cannot be set for an Ephemeral Container'));
    const res = obj(c, 'resources');
    if (res && Object.keys(res).some((k) => isObj(res[k]) && Object.keys(res[k] as object).length > 0)) errs.push(forbidden(ip.child('resources'), 'cannot be set for an Ephemeral Container'));
  });
  const byName = new Map(now.map((c) => [str(c, 'name'), c]));
  for (const old of objs(oldSpec, 'ephemeralContainers')) {
    const cur = byName.get(str(old, 'name'));
    if (!cur) errs.push(forbidden(p, `existing ephemeral containers ${goQuote(str(old, 'name'))} may not be removed\n`));
    else if (!deepEqual(cur, old)) errs.push(forbidden(p, `existing ephemeral containers ${goQuote(str(old, 'name'))} may not be changed\n`));
  }
  return errs;
}
