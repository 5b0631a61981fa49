// Namespaces, nodes, storage (PVs, PVCs), quotas, limit ranges, endpoints, endpoint
// slices, leases and events.

import { type FieldError, FieldPath, GoValue, duplicate, fieldImmutable, goQuote, goStringSlice, forbidden, invalid, notSupported, required, tooLong, tooMany } from './errors.js';
import { type JsonObject, arr, deepEqual, has, num, obj, objs, str } from './json.js';
import { isDNS1123Label, isLabelValue, isQualifiedName, isValidCIDR, isValidIP, isIPv4, isIPv6, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment } from './names.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { portProtocols } from './container.js';
import { taintEffects } from './pod.js';
import { volumeSourceKeys } from './volumes.js';
import { isValidQuantity } from './quantity.js';

const sp = new FieldPath('spec');

function meta(o: JsonObject, old: JsonObject | undefined, namespaced: boolean, nameFn = nameIsDNSSubdomain): FieldError[] {
  return old ? validateObjectMetaUpdate(o, old) : validateObjectMeta(o, namespaced, nameFn);
}

export function validateNamespace(ns: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(ns, old, false, nameIsDNSLabel);
  arr(obj(ns, 'spec'), 'finalizers').forEach((f, i) => {
    const fp = sp.child('finalizers').index(i);
    if (typeof f !== 'string') return;
    const msgs = isQualifiedName(f);
    for (const m of msgs) errs.push(invalid(fp, f, m));
    if (msgs.length === 0 && !f.includes('/') && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(f)) errs.push(invalid(fp, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  });
  return errs;
}

export function validateNode(node: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(node, old, false);
  const spec = obj(node, 'spec') ?? {};
  const cidrs = arr(spec, 'podCIDRs');
  cidrs.forEach((c, i) => {
    if (typeof c !== 'string' || !isValidCIDR(c)) errs.push(invalid(sp.child('podCIDRs').index(i), goStringSlice(cidrs), 'must be valid CIDR'));
  });
  // Kubernetes reports taint errors under metadata.taints (sic), and so do we.
  const tp = new FieldPath('metadata').child('taints');
  const seen = new Set<string>();
  objs(spec, 'taints').forEach((t, i) => {
    const ip = tp.index(i);
    const key = str(t, 'key');
    if (!key) errs.push(required(ip.child('key')));
    else for (const m of isQualifiedName(key)) errs.push(invalid(ip.child('key'), key, m));
    const value = str(t, 'value');
    const vm = isLabelValue(value);
    if (vm.length) errs.push(invalid(ip.child('value'), value, vm.join(';')));
    const effect = str(t, 'effect');
    if (!effect) errs.push(required(ip.child('effect')));
    else if (!taintEffects.includes(effect)) errs.push(notSupported(ip.child('effect'), effect, taintEffects));
    const k = `${key}\u0000${effect}`;
    if (seen.has(k)) {
      const d = duplicate(ip, new GoValue(`core.Taint{Key:${goQuote(key)}, Value:${goQuote(value)}, Effect:${goQuote(effect)}, TimeAdded:${t.timeAdded ? goQuote(String(t.timeAdded)) : '(*v1.Time)(nil)'}}`));
      errs.push({ ...d, message: `${d.message}: taints must be unique by key and effect pair` });
    }
    seen.add(k);
  });
  if (old) {
    const oldSpec = obj(old, 'spec') ?? {};
    const oldCIDRs = arr(oldSpec, 'podCIDRs');
    if (oldCIDRs.length > 0 && !deepEqual(oldCIDRs, cidrs)) errs.push(forbidden(sp.child('podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
    if (str(oldSpec, 'providerID') && str(spec, 'providerID') !== str(oldSpec, 'providerID')) {
      errs.push(forbidden(sp.child('providerID'), 'node updates may not change providerID except from "" to valid'));
    }
  }
  return errs;
}

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const volumeModes = ['Block', 'Filesystem'];

function validateAccessModes(spec: JsonObject, p: FieldPath, errs: FieldError[]): void {
  const modes = arr(spec, 'accessModes');
  if (modes.length === 0) errs.push(required(p.child('accessModes'), 'at least 1 access mode is required'));
  for (const m of modes) if (typeof m !== 'string' || !accessModes.includes(m)) errs.push(notSupported(p.child('accessModes'), m, accessModes));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(forbidden(p.child('accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  const vm = str(spec, 'volumeMode');
  if (vm && !volumeModes.includes(vm)) errs.push(notSupported(p.child('volumeMode'), vm, volumeModes));
}

export function validatePersistentVolume(pv: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(pv, old, false, nameIsPathSegment);
  const spec = obj(pv, 'spec') ?? {};
  validateAccessModes(spec, sp, errs);
  const cap = obj(spec, 'capacity');
  if (!cap || !has(cap, 'storage')) errs.push(required(sp.child('capacity')));
  else if (!isValidQuantity(cap.storage)) errs.push(invalid(sp.child('capacity').key('storage'), cap.storage, 'must be a valid quantity'));
  const kinds = volumeSourceKeys.filter((k) => has(spec, k) && k !== 'ephemeral' && k !== 'image').concat(has(spec, 'local') ? ['local'] : []);
  if (kinds.length === 0) errs.push(required(sp, 'must specify a volume type'));
  for (const k of kinds.slice(1)) errs.push(forbidden(sp.child(k), 'may not specify more than 1 volume type'));
  const rp = str(spec, 'persistentVolumeReclaimPolicy');
  if (rp && !['Delete', 'Recycle', 'Retain'].includes(rp)) errs.push(notSupported(sp.child('persistentVolumeReclaimPolicy'), rp, ['Delete', 'Recycle', 'Retain']));
  const hp = obj(spec, 'hostPath');
  if (hp && !str(hp, 'path')) errs.push(required(sp.child('hostPath', 'path')));
  const local = obj(spec, 'local');
  if (local && !str(local, 'path')) errs.push(required(sp.child('local', 'path')));
  if (local && !has(spec, 'nodeAffinity')) errs.push(required(sp.child('nodeAffinity'), 'Local volume requires node affinity'));
  if (old && !deepEqual(spec.volumeMode, obj(old, 'spec')?.volumeMode)) errs.push(invalid(sp.child('volumeMode'), spec.volumeMode ?? null, fieldImmutable));
  return errs;
}

export function validatePersistentVolumeClaim(pvc: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(pvc, old, true);
  const spec = obj(pvc, 'spec') ?? {};
  validateAccessModes(spec, sp, errs);
  if (has(spec, 'selector')) errs.push(...validateLabelSelector(spec.selector, sp.child('selector')));
  const requests = obj(obj(spec, 'resources'), 'requests');
  if (!requests || !has(requests, 'storage')) errs.push(required(sp.child('resources').key('storage')));
  else if (!isValidQuantity(requests.storage)) errs.push(invalid(sp.child('resources').key('storage'), requests.storage, 'must be a valid quantity'));
  if (old) {
    const oldSpec = obj(old, 'spec') ?? {};
    const strip = (s: JsonObject): JsonObject => {
      const c = structuredClone(s);
      const res = obj(c, 'resources');
      if (res) delete res.requests;
      delete c.volumeAttributesClassName;
      // Binding fills volumeName once; that is not a user change.
      if (!str(oldSpec, 'volumeName')) delete c.volumeName;
      return c;
    };
    if (!deepEqual(strip(spec), strip(oldSpec))) {
      errs.push(forbidden(sp, 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    }
  }
  return errs;
}

function validateResourceList(list: JsonObject | undefined, p: FieldPath, errs: FieldError[]): void {
  for (const [k, v] of Object.entries(list ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(invalid(p.key(k), k, m));
    if (!isValidQuantity(v)) errs.push(invalid(p.key(k), v, `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`));
    else if (String(v).startsWith('-')) errs.push(invalid(p.key(k), v, 'must be greater than or equal to 0'));
  }
}

const quotaScopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];

export function validateResourceQuota(q: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(q, old, true);
  const spec = obj(q, 'spec') ?? {};
  validateResourceList(obj(spec, 'hard'), sp.child('hard'), errs);
  for (const s of arr(spec, 'scopes')) if (typeof s !== 'string' || !quotaScopes.includes(s)) errs.push(notSupported(sp.child('scopes'), s, quotaScopes));
  return errs;
}

const limitTypes = ['Container', 'PersistentVolumeClaim', 'Pod'];

export function validateLimitRange(lr: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(lr, old, true);
  objs(obj(lr, 'spec'), 'limits').forEach((item, i) => {
    const ip = sp.child('limits').index(i);
    const type = str(item, 'type');
    if (!type) errs.push(required(ip.child('type')));
    else if (!limitTypes.includes(type) && isQualifiedName(type).length > 0) errs.push(notSupported(ip.child('type'), type, limitTypes));
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) validateResourceList(obj(item, k), ip.child(k), errs);
    if (type === 'Pod' && (has(item, 'default') || has(item, 'defaultRequest'))) {
      errs.push(forbidden(ip.child(has(item, 'default') ? 'default' : 'defaultRequest'), 'may not be specified when `type` is \'Pod\''));
    }
  });
  return errs;
}

function validateEndpointPort(port: JsonObject, p: FieldPath, requireName: boolean, errs: FieldError[]): void {
  const name = str(port, 'name');
  if (requireName && !name) errs.push(required(p.child('name')));
  else if (name) for (const m of isDNS1123Label(name)) errs.push(invalid(p.child('name'), name, m));
  const n = num(port, 'port') ?? 0;
  if (!(n >= 1 && n <= 65535)) errs.push(invalid(p.child('port'), n, 'must be between 1 and 65535, inclusive'));
  const proto = str(port, 'protocol');
  if (!proto) errs.push(required(p.child('protocol')));
  else if (!portProtocols.includes(proto)) errs.push(notSupported(p.child('protocol'), proto, portProtocols));
}

export function validateEndpoints(ep: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(ep, old, true);
  objs(ep, 'subsets').forEach((ss, i) => {
    const p = new FieldPath('subsets').index(i);
    const addrs = objs(ss, 'addresses');
    const notReady = objs(ss, 'notReadyAddresses');
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [k, list] of [['addresses', addrs], ['notReadyAddresses', notReady]] as const) {
      list.forEach((a, j) => {
        const ip = str(a, 'ip');
        if (!isValidIP(ip)) errs.push(invalid(p.child(k).index(j).child('ip'), ip, 'must be a valid IP address'));
        const host = str(a, 'hostname');
        if (host) for (const m of isDNS1123Label(host)) errs.push(invalid(p.child(k).index(j).child('hostname'), host, m));
      });
    }
    const ports = objs(ss, 'ports');
    ports.forEach((port, j) => validateEndpointPort(port, p.child('ports').index(j), ports.length > 1, errs));
  });
  return errs;
}

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

export function validateEndpointSlice(es: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(es, old, true);
  const type = str(es, 'addressType');
  if (!addressTypes.includes(type)) errs.push(notSupported(new FieldPath('addressType'), type, addressTypes));
  const eps = objs(es, 'endpoints');
  if (eps.length > 1000) errs.push(tooMany(new FieldPath('endpoints'), eps.length, 1000));
  eps.forEach((e, i) => {
    const p = new FieldPath('endpoints').index(i);
    const addrs = arr(e, 'addresses');
    if (addrs.length === 0) errs.push(required(p.child('addresses'), 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(tooMany(p.child('addresses'), addrs.length, 100));
    addrs.forEach((a, j) => {
      const ap = p.child('addresses').index(j);
      if (typeof a !== 'string') return;
      if (type === 'IPv4' && !isIPv4(a)) errs.push(invalid(ap, a, 'must be a valid IPv4 address'));
      if (type === 'IPv6' && !isIPv6(a)) errs.push(invalid(ap, a, 'must be a valid IPv6 address'));
    });
    const host = str(e, 'hostname');
    if (host) for (const m of isDNS1123Label(host)) errs.push(invalid(p.child('hostname'), host, m));
  });
  const ports = objs(es, 'ports');
  if (ports.length > 20000) errs.push(tooMany(new FieldPath('ports'), ports.length, 20000));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = new FieldPath('ports').index(i);
    const name = str(port, 'name');
    if (name) for (const m of isDNS1123Label(name)) errs.push(invalid(p.child('name'), name, m));
    if (names.has(name)) errs.push(invalid(p.child('name'), name, 'must be unique'));
    names.add(name);
    const proto = str(port, 'protocol');
    if (proto && !portProtocols.includes(proto)) errs.push(notSupported(p.child('protocol'), proto, portProtocols));
    const n = num(port, 'port');
    if (n !== undefined && !(n >= 1 && n <= 65535)) errs.push(invalid(p.child('port'), n, 'must be between 1 and 65535, inclusive'));
  });
  if (old && str(old, 'addressType') !== type) errs.push(invalid(new FieldPath('addressType'), type, fieldImmutable));
  return errs;
}

export function validateLease(lease: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(lease, old, true);
  const spec = obj(lease, 'spec') ?? {};
  const dur = num(spec, 'leaseDurationSeconds');
  if (dur !== undefined && dur <= 0) errs.push(invalid(sp.child('leaseDurationSeconds'), dur, 'must be greater than 0'));
  const tr = num(spec, 'leaseTransitions');
  if (tr !== undefined && tr < 0) errs.push(invalid(sp.child('leaseTransitions'), tr, 'must be greater than or equal to 0'));
  const strategy = str(spec, 'strategy');
  if (strategy && strategy !== 'OldestEmulationVersion') errs.push(notSupported(sp.child('strategy'), strategy, ['OldestEmulationVersion']));
  return errs;
}

const noteLengthLimit = 1024;

/**
 * Events. Those written through core/v1 get the legacy, lenient rules; those written
 * through events.k8s.io/v1 must carry the fields the newer API requires.
 */
export function validateEvent(ev: JsonObject, newAPI: boolean, old?: JsonObject): FieldError[] {
  const errs = meta(ev, old, true);
  const ns = str(obj(ev, 'metadata'), 'namespace');
  const regarding = newAPI ? obj(ev, 'regarding') : obj(ev, 'involvedObject');
  const refField = newAPI ? 'regarding' : 'involvedObject';
  const refNs = str(regarding, 'namespace');
  if (refNs && ns && refNs !== ns) errs.push(invalid(new FieldPath(refField).child('namespace'), refNs, 'does not match event.namespace'));
  if (newAPI && !old) {
    if (!has(ev, 'eventTime')) errs.push(required(new FieldPath('eventTime')));
    for (const k of ['reportingController', 'reportingInstance', 'action', 'reason']) {
      if (!str(ev, k)) errs.push(required(new FieldPath(k)));
    }
    const type = str(ev, 'type');
    if (type !== 'Normal' && type !== 'Warning') errs.push(notSupported(new FieldPath('type'), type, ['Normal', 'Warning']));
    const note = str(ev, 'note');
    if (Buffer.byteLength(note) > noteLengthLimit) errs.push(tooLong(new FieldPath('note'), noteLengthLimit));
    const rc = str(ev, 'reportingController');
    if (rc) for (const m of isQualifiedName(rc)) errs.push(invalid(new FieldPath('reportingController'), rc, m));
  }
  if (old && newAPI) {
    for (const k of ['regarding', 'related', 'reportingController', 'reportingInstance', 'action', 'reason', 'type', 'note', 'eventTime']) {
      if (!deepEqual(ev[k], old[k])) errs.push(invalid(new FieldPath(k), ev[k] ?? null, fieldImmutable));
    }
  }
  return errs;
}
