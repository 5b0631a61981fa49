// Services: type, ports, target ports, selector, cluster IPs, node ports.

import { type FieldError, FieldPath, GoValue, duplicate, forbidden, goQuote, goStringSlice, invalid, notSupported, required } from './errors.js';
import { type JsonObject, arr, has, num, obj, objs, str, strMap } from './json.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidCIDR, isValidIP, nameIsDNS1035Label } from './names.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { portProtocols, validatePortNumOrName } from './container.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const sessionAffinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const ipFamilies = ['IPv4', 'IPv6'];

export interface ServiceOptions {
  /** Inclusive range node ports must fall in; Kubernetes' default is 30000-32767. */
  nodePortRange?: readonly [number, number] | { min: number; max: number };
}

function portRange(r: ServiceOptions['nodePortRange']): [number, number] {
  if (!r) return [30000, 32767];
  return 'min' in r ? [r.min, r.max] : [r[0], r[1]];
}

/** spec.clusterIPs, or [spec.clusterIP] when only the singular field was given. */
function clusterIPsOf(spec: JsonObject): string[] {
  const ips = arr(spec, 'clusterIPs').filter((x): x is string => typeof x === 'string');
  if (ips.length) return ips;
  const ip = str(spec, 'clusterIP');
  return ip ? [ip] : [];
}

export function validateService(svc: JsonObject, opts: ServiceOptions = {}, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(svc, old) : validateObjectMeta(svc, true, nameIsDNS1035Label);
  const spec = obj(svc, 'spec') ?? {};
  const sp = new FieldPath('spec');
  const type = str(spec, 'type');
  const ips = clusterIPsOf(spec);
  const headless = ips[0] === 'None';
  const ports = objs(spec, 'ports');
  if (!type) errs.push(required(sp.child('type')));
  else if (!serviceTypes.includes(type)) errs.push(notSupported(sp.child('type'), type, serviceTypes));
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required(sp.child('ports')));

  if (type === 'ExternalName') {
    if (ips.length > 0) errs.push(forbidden(sp.child('clusterIPs'), 'may not be set for ExternalName services'));
    if (arr(spec, 'ipFamilies').length > 0) errs.push(forbidden(sp.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (has(spec, 'ipFamilyPolicy')) errs.push(forbidden(sp.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    const ext = str(spec, 'externalName');
    if (!ext) errs.push(required(sp.child('externalName')));
    else for (const m of isDNS1123Subdomain(ext.replace(/\.$/, ''))) errs.push(invalid(sp.child('externalName'), ext, m));
  }

  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  const range = portRange(opts.nodePortRange);
  ports.forEach((port, i) => {
    const ip = sp.child('ports').index(i);
    const name = str(port, 'name');
    if (ports.length > 1 && !name) errs.push(required(ip.child('name')));
    else if (name) {
      for (const m of isDNS1123Label(name)) errs.push(invalid(ip.child('name'), name, m));
      if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
      else names.add(name);
    }
    const p = num(port, 'port') ?? 0;
    if (!(Number.isInteger(p) && p >= 1 && p <= 65535)) errs.push(invalid(ip.child('port'), p, 'must be between 1 and 65535, inclusive'));
    const proto = str(port, 'protocol');
    if (!proto) errs.push(required(ip.child('protocol')));
    else if (!portProtocols.includes(proto)) errs.push(notSupported(ip.child('protocol'), proto, portProtocols));
    if (has(port, 'targetPort')) errs.push(...validatePortNumOrName(port.targetPort, ip.child('targetPort')));
    const key = `${p}/${proto}`;
    if (seen.has(key)) {
      errs.push(duplicate(ip, new GoValue(`core.ServicePort{Name:"", Protocol:${goQuote(proto)}, AppProtocol:(*string)(nil), Port:${p}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`)));
    }
    seen.add(key);
    const np = num(port, 'nodePort') ?? 0;
    if (np !== 0) {
      if (type === 'ClusterIP') errs.push(forbidden(ip.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      else if (type === 'ExternalName') errs.push(forbidden(ip.child('nodePort'), "may not be used when `type` is 'ExternalName'"));
      else {
        const oldPort = old ? objs(obj(old, 'spec'), 'ports').find((o) => num(o, 'nodePort') === np) : undefined;
        if (!oldPort && (np < range[0] || np > range[1])) {
          errs.push(invalid(ip.child('nodePort'), np, `provided port is not in the valid range. The range of valid ports is ${range[0]}-${range[1]}`));
        }
        const npKey = `${np}/${proto}`;
        if (nodePorts.has(npKey)) errs.push(duplicate(ip.child('nodePort'), np));
        nodePorts.add(npKey);
      }
    }
  });

  const affinity = str(spec, 'sessionAffinity');
  if (!affinity) errs.push(required(sp.child('sessionAffinity')));
  else if (!sessionAffinities.includes(affinity)) errs.push(notSupported(sp.child('sessionAffinity'), affinity, sessionAffinities));
  errs.push(...validateLabels(strMap(spec, 'selector'), sp.child('selector')));
  const sac = sp.child('sessionAffinityConfig');
  if (affinity === 'ClientIP') {
    const t = num(obj(obj(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds');
    if (t === undefined) errs.push(required(sac.child('clientIP', 'timeoutSeconds'), 'when session affinity type is ClientIP'));
    else if (t <= 0 || t > 86400) errs.push(invalid(sac.child('clientIP', 'timeoutSeconds'), t, 'must be greater than 0 and less than 86400'));
  } else if (affinity === 'None' && has(spec, 'sessionAffinityConfig')) {
    errs.push(forbidden(sac, 'must not be set when session affinity is None'));
  }
  const ranges = arr(spec, 'loadBalancerSourceRanges');
  if (ranges.length > 0 && type !== 'LoadBalancer') {
    errs.push(forbidden(sp.child('loadBalancerSourceRanges'), "may only be used when `type` is 'LoadBalancer'"));
  }
  ranges.forEach((c, i) => {
    if (typeof c !== 'string' || !isValidCIDR(c.trim())) errs.push(invalid(sp.child('loadBalancerSourceRanges').index(i), c, 'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 '));
  });

  if (type !== 'ExternalName') {
    ips.forEach((ipv, i) => {
      if (ipv !== 'None' && !isValidIP(ipv)) errs.push(invalid(sp.child('clusterIPs').index(i), ipv, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
      if (ipv === 'None' && i > 0) errs.push(invalid(sp.child('clusterIPs').index(i), ipv, 'must be a valid IP address'));
    });
    const single = str(spec, 'clusterIP');
    const plural = arr(spec, 'clusterIPs');
    if (single && plural.length > 0 && plural[0] !== single) errs.push(invalid(sp.child('clusterIPs'), goStringSlice(plural), 'first value must match `clusterIP`'));
    if (headless && type !== 'ClusterIP') errs.push(invalid(sp.child('clusterIPs').index(0), 'None', 'may not be set to \'None\' for LoadBalancer or NodePort services'));
  }
  const policy = str(spec, 'ipFamilyPolicy');
  if (policy && !ipFamilyPolicies.includes(policy)) errs.push(notSupported(sp.child('ipFamilyPolicy'), policy, ipFamilyPolicies));
  arr(spec, 'ipFamilies').forEach((fam, i) => {
    if (typeof fam !== 'string' || !ipFamilies.includes(fam)) errs.push(notSupported(sp.child('ipFamilies').index(i), fam, ipFamilies));
  });
  errs.push(...validateTrafficPolicies(spec, type, sp));
  arr(spec, 'externalIPs').forEach((ipv, i) => {
    if (typeof ipv !== 'string' || !isValidIP(ipv)) errs.push(invalid(sp.child('externalIPs').index(i), ipv, 'must be a valid IP address'));
  });
  if (old) errs.push(...validateServiceUpdate(spec, obj(old, 'spec') ?? {}, sp));
  return errs;
}

function validateTrafficPolicies(spec: JsonObject, type: string, sp: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ext = str(spec, 'externalTrafficPolicy');
  // Externally accessible: node ports, load balancers, or cluster IPs with external IPs.
  const external = type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && arr(spec, 'externalIPs').length > 0);
  if (external) {
    if (!ext) errs.push(required(sp.child('externalTrafficPolicy')));
    else if (!trafficPolicies.includes(ext)) errs.push(notSupported(sp.child('externalTrafficPolicy'), ext, trafficPolicies));
  } else if (ext) {
    errs.push(invalid(sp.child('externalTrafficPolicy'), ext, 'may only be set for externally-accessible services'));
  }
  const int = str(spec, 'internalTrafficPolicy');
  if (type !== 'ExternalName' && has(spec, 'internalTrafficPolicy') && !trafficPolicies.includes(int)) {
    errs.push(notSupported(sp.child('internalTrafficPolicy'), int, trafficPolicies));
  }
  return errs;
}

function validateServiceUpdate(spec: JsonObject, oldSpec: JsonObject, sp: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (str(spec, 'type') === 'ExternalName' || str(oldSpec, 'type') === 'ExternalName') return errs;
  const ips = clusterIPsOf(spec);
  const oldIPs = clusterIPsOf(oldSpec);
  if (oldIPs.length === 0) return errs;
  if (ips.length === 0) {
    errs.push(invalid(sp.child('clusterIPs').index(0), goStringSlice(ips), 'primary clusterIP can not be unset'));
    return errs;
  }
  const n = Math.min(ips.length, oldIPs.length);
  for (let i = 0; i < n; i++) {
    if (ips[i] !== oldIPs[i]) errs.push(invalid(sp.child('clusterIPs').index(i), goStringSlice(ips), 'may not change once set'));
  }
  return errs;
}
