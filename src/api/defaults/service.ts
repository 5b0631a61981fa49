// Service defaults: core/v1 defaulting plus the IP family fields the service registry
// fills in on a single-stack cluster.

import { type JsonObject, arr, ensureObj, obj, objs, str, strMap } from '../validation/json.js';
import { isIPv6 } from '../validation/names.js';

export function defaultService(svc: JsonObject): void {
  const spec = ensureObj(svc, 'spec');
  if (!str(spec, 'sessionAffinity')) spec.sessionAffinity = 'None';
  if (!str(spec, 'type')) spec.type = 'ClusterIP';
  const type = str(spec, 'type');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = ensureObj(spec, 'sessionAffinityConfig');
    const cip = ensureObj(cfg, 'clientIP');
    if (typeof cip.timeoutSeconds !== 'number') cip.timeoutSeconds = 10800;
  }
  for (const p of objs(spec, 'ports')) {
    if (!str(p, 'protocol')) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const external = type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && arr(spec, 'externalIPs').length > 0);
  if (external && !str(spec, 'externalTrafficPolicy')) spec.externalTrafficPolicy = 'Cluster';
  if (type !== 'ExternalName' && !str(spec, 'internalTrafficPolicy')) spec.internalTrafficPolicy = 'Cluster';
  if (type === 'LoadBalancer' && typeof spec.allocateLoadBalancerNodePorts !== 'boolean') spec.allocateLoadBalancerNodePorts = true;
  if (type === 'LoadBalancer') {
    for (const ing of objs(obj(obj(svc, 'status'), 'loadBalancer'), 'ingress')) if (str(ing, 'ip') && !str(ing, 'ipMode')) ing.ipMode = 'VIP';
  }
  if (type === 'ExternalName') return;
  const ip = str(spec, 'clusterIP');
  if (ip && arr(spec, 'clusterIPs').length === 0) spec.clusterIPs = [ip];
  if (!ip && arr(spec, 'clusterIPs').length > 0) spec.clusterIP = arr(spec, 'clusterIPs')[0];
  const headless = str(spec, 'clusterIP') === 'None';
  const selectorless = Object.keys(strMap(spec, 'selector')).length === 0 && obj(spec, 'selector') === undefined;
  if (headless && selectorless) {
    // Headless services without a selector serve whatever families their endpoints have.
    if (!str(spec, 'ipFamilyPolicy')) spec.ipFamilyPolicy = 'RequireDualStack';
    if (arr(spec, 'ipFamilies').length === 0) spec.ipFamilies = ['IPv4', 'IPv6'];
    return;
  }
  if (!str(spec, 'ipFamilyPolicy')) spec.ipFamilyPolicy = 'SingleStack';
  if (arr(spec, 'ipFamilies').length === 0) spec.ipFamilies = [ip && ip !== 'None' && isIPv6(ip) ? 'IPv6' : 'IPv4'];
}

const needsClusterIP = (spec: JsonObject): boolean => str(spec, 'type') !== 'ExternalName';
const needsNodePort = (spec: JsonObject): boolean => str(spec, 'type') === 'NodePort' || str(spec, 'type') === 'LoadBalancer';
const externallyAccessible = (spec: JsonObject): boolean => needsNodePort(spec) || ((str(spec, 'type') || 'ClusterIP') === 'ClusterIP' && arr(spec, 'externalIPs').length > 0);
const needsHealthCheckPort = (spec: JsonObject): boolean => str(spec, 'type') === 'LoadBalancer' && str(spec, 'externalTrafficPolicy') === 'Local';
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const nodePortsOf = (spec: JsonObject): number[] => objs(spec, 'ports').map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n !== 0);

/**
 * A Service is a union discriminated by `type`: on a type change the registry clears
 * the fields the new type has no use for, but only those the update left as they
 * were (a value the user changed in the same update is theirs and gets validated).
 * So `kubectl patch -p '{"spec":{"type":"ClusterIP"}}'` of a NodePort service works.
 */
function dropTypeDependentFields(spec: JsonObject, oldSpec: JsonObject): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (same(spec.clusterIP, oldSpec.clusterIP) && same(spec.clusterIPs, oldSpec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, oldSpec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    // Ports may be added, removed or changed, as long as no node port is new.
    const old = new Set(nodePortsOf(oldSpec));
    if (nodePortsOf(spec).every((n) => old.has(n))) for (const p of objs(spec, 'ports')) delete p.nodePort;
  }
  if (needsHealthCheckPort(oldSpec) && !needsHealthCheckPort(spec) && same(spec.healthCheckNodePort, oldSpec.healthCheckNodePort)) delete spec.healthCheckNodePort;
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && same(spec.externalTrafficPolicy, oldSpec.externalTrafficPolicy)) delete spec.externalTrafficPolicy;
  if (str(oldSpec, 'type') === 'LoadBalancer' && str(spec, 'type') !== 'LoadBalancer') {
    if (same(spec.loadBalancerClass, oldSpec.loadBalancerClass)) delete spec.loadBalancerClass;
    if (same(spec.allocateLoadBalancerNodePorts, oldSpec.allocateLoadBalancerNodePorts)) delete spec.allocateLoadBalancerNodePorts;
  }
}

/**
 * What the service registry does before validating an update: values the server
 * allocated (cluster IPs, node ports matched by port name, the health check port) are
 * kept when the new object leaves them out, as `kubectl replace` of a manifest does;
 * those a type change makes meaningless are dropped. Run before applyDefaults on the
 * new object.
 */
export function prepareServiceForUpdate(svc: JsonObject, old: JsonObject): void {
  const spec = ensureObj(svc, 'spec');
  const oldSpec = obj(old, 'spec') ?? {};
  dropTypeDependentFields(spec, oldSpec);
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!str(spec, 'clusterIP') && str(oldSpec, 'clusterIP')) spec.clusterIP = oldSpec.clusterIP;
    if (arr(spec, 'clusterIPs').length === 0 && arr(oldSpec, 'clusterIPs').length > 0) spec.clusterIPs = [...arr(oldSpec, 'clusterIPs')];
    if (arr(spec, 'ipFamilies').length === 0 && arr(oldSpec, 'ipFamilies').length > 0) spec.ipFamilies = [...arr(oldSpec, 'ipFamilies')];
    if (!str(spec, 'ipFamilyPolicy') && str(oldSpec, 'ipFamilyPolicy')) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const byName = new Map(objs(oldSpec, 'ports').map((p) => [str(p, 'name'), p.nodePort]));
    for (const p of objs(spec, 'ports')) if (!p.nodePort && byName.get(str(p, 'name'))) p.nodePort = byName.get(str(p, 'name'));
  }
  if (str(spec, 'externalTrafficPolicy') === 'Local' && str(spec, 'type') === 'LoadBalancer' && !spec.healthCheckNodePort && oldSpec.healthCheckNodePort) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}
