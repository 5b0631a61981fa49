// RBAC, disruption budgets, priority classes, autoscalers, storage classes and the
// networking kinds.

import { type FieldError, FieldPath, GoValue, fieldImmutable, forbidden, goQuote, goStringSlice, invalid, notSupported, required, root } from './errors.js';
import { type JsonObject, arr, deepEqual, has, isObj, num, obj, objs, str } from './json.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidIP, isValidPortName, isWildcardDNS1123Subdomain, nameIsDNSSubdomain, nameIsPathSegment } from './names.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { portProtocols } from './container.js';
import { notMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';

const rbacGroup = 'rbac.authorization.k8s.io';

function meta(o: JsonObject, old: JsonObject | undefined, namespaced: boolean, nameFn = nameIsDNSSubdomain): FieldError[] {
  return old ? validateObjectMetaUpdate(o, old) : validateObjectMeta(o, namespaced, nameFn);
}

function validatePolicyRule(rule: JsonObject, p: FieldPath, namespaced: boolean, errs: FieldError[]): void {
  if (arr(rule, 'verbs').length === 0) errs.push(required(p.child('verbs'), 'verbs must contain at least one value'));
  const nonResource = arr(rule, 'nonResourceURLs');
  if (nonResource.length > 0) {
    if (namespaced) errs.push(invalid(p.child('nonResourceURLs'), goStringSlice(nonResource), 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule, 'apiGroups').length > 0 || arr(rule, 'resources').length > 0 || arr(rule, 'resourceNames').length > 0) {
      errs.push(invalid(p.child('nonResourceURLs'), goStringSlice(nonResource), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return;
  }
  if (arr(rule, 'apiGroups').length === 0) errs.push(required(p.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (arr(rule, 'resources').length === 0) errs.push(required(p.child('resources'), 'resource rules must supply at least one resource'));
}

export function validateRole(role: JsonObject, namespaced: boolean, old?: JsonObject): FieldError[] {
  const errs = meta(role, old, namespaced, nameIsPathSegment);
  objs(role, 'rules').forEach((r, i) => validatePolicyRule(r, new FieldPath('rules').index(i), namespaced, errs));
  const agg = obj(role, 'aggregationRule');
  if (!namespaced && agg) {
    const sels = objs(agg, 'clusterRoleSelectors');
    if (sels.length === 0) errs.push(required(root('aggregationRule', 'clusterRoleSelectors'), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    sels.forEach((s, i) => errs.push(...validateLabelSelector(s, new FieldPath('aggregationRule').child('clusterRoleSelectors').index(i))));
  }
  return errs;
}

function validateSubject(s: JsonObject, p: FieldPath, namespaced: boolean, errs: FieldError[]): void {
  const name = str(s, 'name');
  if (!name) errs.push(required(p.child('name')));
  const kind = str(s, 'kind');
  const group = str(s, 'apiGroup');
  if (kind === 'ServiceAccount') {
    if (name) for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(p.child('name'), name, m));
    if (group !== '') errs.push(notSupported(p.child('apiGroup'), group, ['']));
    if (!namespaced && !str(s, 'namespace')) errs.push(required(p.child('namespace')));
  } else if (kind === 'User' || kind === 'Group') {
    if (group !== rbacGroup) errs.push(notSupported(p.child('apiGroup'), group, [rbacGroup]));
  } else {
    errs.push(notSupported(p.child('kind'), kind, ['ServiceAccount', 'User', 'Group']));
  }
}

export function validateRoleBinding(rb: JsonObject, namespaced: boolean, old?: JsonObject): FieldError[] {
  const errs = meta(rb, old, namespaced, nameIsPathSegment);
  const ref = obj(rb, 'roleRef') ?? {};
  const rp = new FieldPath('roleRef');
  if (str(ref, 'apiGroup') !== rbacGroup) errs.push(notSupported(rp.child('apiGroup'), str(ref, 'apiGroup'), [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref, 'kind'))) errs.push(notSupported(rp.child('kind'), str(ref, 'kind'), kinds));
  const name = str(ref, 'name');
  if (!name) errs.push(required(rp.child('name')));
  else for (const m of nameIsPathSegment(name, false)) errs.push(invalid(rp.child('name'), name, m));
  objs(rb, 'subjects').forEach((s, i) => validateSubject(s, new FieldPath('subjects').index(i), namespaced, errs));
  if (old && !deepEqual(rb.roleRef, old.roleRef)) {
    const shown = new GoValue(`rbac.RoleRef{APIGroup:${goQuote(str(ref, 'apiGroup'))}, Kind:${goQuote(str(ref, 'kind'))}, Name:${goQuote(name)}}`);
    errs.push(invalid(rp, shown, 'cannot change roleRef'));
  }
  return errs;
}

export function validatePodDisruptionBudget(pdb: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(pdb, old, true);
  const spec = obj(pdb, 'spec') ?? {};
  const sp = new FieldPath('spec');
  if (has(spec, 'minAvailable') && has(spec, 'maxUnavailable')) errs.push(invalid(sp, spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const k of ['minAvailable', 'maxUnavailable']) {
    if (!has(spec, k)) continue;
    errs.push(...validatePositiveIntOrPercent(spec[k], sp.child(k)));
    errs.push(...notMoreThan100Percent(spec[k], sp.child(k)));
  }
  if (has(spec, 'selector')) errs.push(...validateLabelSelector(spec.selector, sp.child('selector')));
  const policy = str(spec, 'unhealthyPodEvictionPolicy');
  if (policy && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') errs.push(notSupported(sp.child('unhealthyPodEvictionPolicy'), policy, ['AlwaysAllow', 'IfHealthyBudget']));
  return errs;
}

/** Priorities above this are reserved for the system- classes. */
export const highestUserDefinablePriority = 1_000_000_000;
const systemPriorityClasses = ['system-node-critical', 'system-cluster-critical'];

export function validatePriorityClass(pc: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(pc, old, false);
  const name = str(obj(pc, 'metadata'), 'name');
  if (!old && name.startsWith('system-') && !systemPriorityClasses.includes(name)) {
    errs.push(forbidden(root('metadata', 'name'), "priority class names with 'system-' prefix are reserved"));
  }
  const value = num(pc, 'value') ?? 0;
  if (value > highestUserDefinablePriority && !name.startsWith('system-')) {
    errs.push(forbidden(new FieldPath('value'), `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  const pp = str(pc, 'preemptionPolicy');
  if (pp && pp !== 'Never' && pp !== 'PreemptLowerPriority') errs.push(notSupported(new FieldPath('preemptionPolicy'), pp, ['Never', 'PreemptLowerPriority']));
  if (old) {
    if (num(old, 'value') !== num(pc, 'value')) errs.push(forbidden(new FieldPath('value'), 'may not be changed in an update.'));
    if (str(old, 'preemptionPolicy') !== pp) errs.push(invalid(new FieldPath('preemptionPolicy'), pp, fieldImmutable));
  }
  return errs;
}

export function validateStorageClass(sc: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(sc, old, false);
  const prov = str(sc, 'provisioner');
  if (!prov) errs.push(required(new FieldPath('provisioner')));
  else for (const m of isQualifiedName(prov.toLowerCase())) errs.push(invalid(new FieldPath('provisioner'), prov, m));
  const rp = str(sc, 'reclaimPolicy');
  if (rp && rp !== 'Delete' && rp !== 'Retain') errs.push(notSupported(new FieldPath('reclaimPolicy'), rp, ['Delete', 'Retain']));
  const vbm = str(sc, 'volumeBindingMode');
  if (vbm && vbm !== 'Immediate' && vbm !== 'WaitForFirstConsumer') errs.push(notSupported(new FieldPath('volumeBindingMode'), vbm, ['Immediate', 'WaitForFirstConsumer']));
  if (old) {
    if (!deepEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden(new FieldPath('parameters'), 'updates to parameters are forbidden.'));
    if (prov !== str(old, 'provisioner')) errs.push(forbidden(new FieldPath('provisioner'), 'updates to provisioner are forbidden.'));
    if (rp !== str(old, 'reclaimPolicy')) errs.push(forbidden(new FieldPath('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
    if (vbm !== str(old, 'volumeBindingMode')) errs.push(forbidden(new FieldPath('volumeBindingMode'), 'field is immutable'));
  }
  return errs;
}

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateIngressBackend(b: JsonObject, p: FieldPath, errs: FieldError[]): void {
  const svc = obj(b, 'service');
  const res = obj(b, 'resource');
  if (svc && res) errs.push(invalid(p, b, 'cannot set both resource and service backends'));
  else if (!svc && !res) errs.push(invalid(p, b, 'resource or service backend is required'));
  if (svc) {
    const name = str(svc, 'name');
    for (const m of isDNS1123Label(name)) errs.push(invalid(p.child('service', 'name'), name, m));
    const port = obj(svc, 'port') ?? {};
    const hasName = str(port, 'name') !== '';
    const hasNum = (num(port, 'number') ?? 0) !== 0;
    if (hasName && hasNum) errs.push(invalid(p.child('service', 'port'), port, 'cannot set both port name & port number'));
    else if (hasName) for (const m of isValidPortName(str(port, 'name'))) errs.push(invalid(p.child('service', 'port', 'name'), str(port, 'name'), m));
    else if (hasNum) {
      const n = num(port, 'number') ?? 0;
      if (n < 1 || n > 65535) errs.push(invalid(p.child('service', 'port', 'number'), n, 'must be between 1 and 65535, inclusive'));
    } else errs.push(required(p.child('service', 'port'), 'port name or number is required'));
  }
}

export function validateIngress(ing: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(ing, old, true);
  const spec = obj(ing, 'spec') ?? {};
  const sp = new FieldPath('spec');
  const cls = str(spec, 'ingressClassName');
  if (cls) for (const m of isDNS1123Subdomain(cls)) errs.push(invalid(sp.child('ingressClassName'), cls, m));
  const def = obj(spec, 'defaultBackend');
  if (def) validateIngressBackend(def, sp.child('defaultBackend'), errs);
  const rules = objs(spec, 'rules');
  if (rules.length === 0 && !def) errs.push(invalid(sp, spec, 'either `defaultBackend` or `rules` must be specified'));
  rules.forEach((r, i) => {
    const rp = sp.child('rules').index(i);
    const host = str(r, 'host');
    if (host) {
      if (isValidIP(host)) errs.push(invalid(rp.child('host'), host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(invalid(rp.child('host'), host, m));
    }
    const http = obj(r, 'http');
    if (!http) return;
    const paths = objs(http, 'paths');
    if (paths.length === 0) errs.push(required(rp.child('http', 'paths')));
    paths.forEach((pa, j) => {
      const pp = rp.child('http', 'paths').index(j);
      const pt = str(pa, 'pathType');
      if (!pt) errs.push(required(pp.child('pathType'), 'pathType must be specified'));
      else if (!pathTypes.includes(pt)) errs.push(notSupported(pp.child('pathType'), pt, pathTypes));
      const path = str(pa, 'path');
      if ((pt === 'Exact' || pt === 'Prefix' || path !== '') && !path.startsWith('/')) errs.push(invalid(pp.child('path'), path, 'must be an absolute path'));
      const backend = obj(pa, 'backend');
      if (!backend) errs.push(required(pp.child('backend')));
      else validateIngressBackend(backend, pp.child('backend'), errs);
    });
  });
  return errs;
}

export function validateIngressClass(ic: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(ic, old, false);
  const spec = obj(ic, 'spec') ?? {};
  const ctrl = str(spec, 'controller');
  const cp = root('spec', 'controller');
  if (!ctrl) errs.push(required(cp));
  else if (!/^[^/]+\/.+$/.test(ctrl)) errs.push(invalid(cp, ctrl, 'must be a domain-prefixed path (such as "acme.io/foo")'));
  else for (const m of isDNS1123Subdomain(ctrl.split('/')[0])) errs.push(invalid(cp, ctrl, m));
  if (old && ctrl !== str(obj(old, 'spec'), 'controller')) errs.push(invalid(cp, ctrl, fieldImmutable));
  return errs;
}

export function validateNetworkPolicy(np: JsonObject, old?: JsonObject): FieldError[] {
  const errs = meta(np, old, true);
  const spec = obj(np, 'spec') ?? {};
  const sp = new FieldPath('spec');
  errs.push(...validateLabelSelector(spec.podSelector ?? {}, sp.child('podSelector')));
  for (const t of arr(spec, 'policyTypes')) if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(sp.child('policyTypes'), t, ['Egress', 'Ingress']));
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    objs(spec, dir).forEach((rule, i) => {
      const rp = sp.child(dir).index(i);
      objs(rule, 'ports').forEach((port, j) => {
        const pp = rp.child('ports').index(j);
        const proto = str(port, 'protocol');
        if (proto && !portProtocols.includes(proto)) errs.push(notSupported(pp.child('protocol'), proto, portProtocols));
        const v = port.port;
        if (typeof v === 'number' && (v < 1 || v > 65535)) errs.push(invalid(pp.child('port'), v, 'must be between 1 and 65535, inclusive'));
        if (typeof v === 'string') for (const m of isValidPortName(v)) errs.push(invalid(pp.child('port'), v, m));
        const end = num(port, 'endPort');
        if (end !== undefined && (typeof v !== 'number' || end < v)) errs.push(invalid(pp.child('endPort'), end, 'must be greater than or equal to `port`'));
      });
      objs(rule, peersKey).forEach((peer, j) => {
        const pp = rp.child(peersKey).index(j);
        const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => has(peer, k));
        if (kinds.length === 0) errs.push(required(pp, 'must specify a peer'));
        if (has(peer, 'ipBlock') && kinds.length > 1) errs.push(forbidden(pp, 'may not specify both ipBlock and another peer'));
        for (const k of ['podSelector', 'namespaceSelector']) if (isObj(peer[k])) errs.push(...validateLabelSelector(peer[k], pp.child(k)));
        const ib = obj(peer, 'ipBlock');
        if (ib) {
          const cidr = str(ib, 'cidr');
          if (!cidr) errs.push(required(pp.child('ipBlock', 'cidr')));
          else if (!isValidCIDR(cidr)) errs.push(invalid(pp.child('ipBlock', 'cidr'), cidr, 'must be a valid CIDR'));
        }
      });
    });
  }
  return errs;
}

