// Renders the whole proxy state as one nft script that replaces the proxy's table in a
// single transaction: declaring the table, deleting it and declaring it again in one file
// is atomic, so packets see either the old rules or the new ones, never a half-made set.
import { createHash } from 'node:crypto';
import { backendsFor, slicesByService, type Backend } from './endpoints.js';
import { externalIPs, isIPv4, loadBalancerIPs, sourceRanges } from './external.js';
import type { EndpointSlice, Service, ServicePort } from './types.js';

export interface RenderOptions {
  nodeName: string;
  /** Traffic from outside it to a ClusterIP is masqueraded; omit to masquerade none. */
  clusterCIDR?: string;
  /** Default 'k8ts-proxy'. */
  table?: string;
}

/** The packet mark bit meaning "masquerade in postrouting" (kube-proxy's bit too). */
export const masqMark = '0x00004000';
const defaultAffinitySeconds = 10800;

/** The table as data, so one sync can be diffed against the last (see delta.ts). */
export interface Ruleset {
  table: string;
  /** Per-service and per-endpoint chains, name -> rules; the fixed chains are not listed. */
  chains: Map<string, string[]>;
  /** Verdict-map elements, key -> verdict. */
  /** "ip . proto . port" of cluster IPs, external IPs and load balancer IPs -> verdict. */
  clusterIps: Map<string, string>;
  nodePorts: Map<string, string>;
  /** Load balancer IPs with loadBalancerSourceRanges -> `goto fw-<hash>`, checked before DNAT. */
  firewallIps: Map<string, string>;
  rejectIps: Set<string>;
  rejectPorts: Set<string>;
  /** "ip . ip" for every endpoint: a connection DNATed back to its own source (hairpin). */
  hairpin: Set<string>;
  /** Affinity set name -> timeout in seconds. */
  affinitySets: Map<string, number>;
}

export function renderRuleset(services: Service[], slices: EndpointSlice[], opts: RenderOptions): string {
  return rulesetText(buildRuleset(services, slices, opts));
}

/**
 * Remembers each service's rendered part, keyed by the identity of its Service and
 * EndpointSlice objects (an informer's cache keeps unchanged objects as they were), so a
 * sync after one change renders one service, not all of them.
 */
export class RenderCache {
  readonly entries = new Map<string, { svc: Service; slices: EndpointSlice[]; optsKey: string; part: Ruleset }>();
}

export function buildRuleset(services: Service[], slices: EndpointSlice[], opts: RenderOptions, cache?: RenderCache): Ruleset {
  const b = emptyRuleset(opts.table ?? 'k8ts-proxy');
  const optsKey = `${opts.nodeName} ${opts.clusterCIDR ?? ''}`;
  const sorted = [...services].sort((x, y) => svcId(x).localeCompare(svcId(y)));
  const bySvc = slicesByService(slices);
  const seen = new Set<string>();
  for (const svc of sorted) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None' || !isIPv4(ip) || svc.spec?.type === 'ExternalName') continue;
    const id = svcId(svc);
    const mine = bySvc.get(id) ?? [];
    seen.add(id);
    const hit = cache?.entries.get(id);
    if (hit && hit.svc === svc && hit.optsKey === optsKey && sameRefs(hit.slices, mine)) {
      merge(b, hit.part);
      continue;
    }
    const part = emptyRuleset(b.table);
    for (const port of svc.spec?.ports ?? []) renderPort(part, svc, port, ip, mine, opts);
    cache?.entries.set(id, { svc, slices: mine, optsKey, part });
    merge(b, part);
  }
  if (cache) for (const id of cache.entries.keys()) if (!seen.has(id)) cache.entries.delete(id);
  return b;
}

function emptyRuleset(table: string): Ruleset {
  return {
    table, chains: new Map(), clusterIps: new Map(), nodePorts: new Map(), firewallIps: new Map(),
    rejectIps: new Set(), rejectPorts: new Set(), hairpin: new Set(), affinitySets: new Map(),
  };
}

function merge(into: Ruleset, part: Ruleset): void {
  for (const [k, v] of part.chains) into.chains.set(k, v);
  for (const [k, v] of part.clusterIps) into.clusterIps.set(k, v);
  for (const [k, v] of part.nodePorts) into.nodePorts.set(k, v);
  for (const [k, v] of part.firewallIps) into.firewallIps.set(k, v);
  for (const k of part.rejectIps) into.rejectIps.add(k);
  for (const k of part.rejectPorts) into.rejectPorts.add(k);
  for (const k of part.hairpin) into.hairpin.add(k);
  for (const [k, v] of part.affinitySets) into.affinitySets.set(k, v);
}

function sameRefs<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** An affinity set's declaration body, as delta.ts adds it. */
export const affinitySetBody = (timeout: number): string => `type ipv4_addr; flags dynamic,timeout; timeout ${timeout}s;`;

export function rulesetText(b: Ruleset): string {
  const table = b.table;
  return [
    `table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    map('cluster-ips', 'ipv4_addr . inet_proto . inet_service : verdict', [...b.clusterIps].map(([k, v]) => `${k} : ${v}`)),
    map('node-ports', 'inet_proto . inet_service : verdict', [...b.nodePorts].map(([k, v]) => `${k} : ${v}`)),
    map('firewall-ips', 'ipv4_addr . inet_proto . inet_service : verdict', [...b.firewallIps].map(([k, v]) => `${k} : ${v}`)),
    set('no-endpoint-ips', 'ipv4_addr . inet_proto . inet_service', [...b.rejectIps]),
    set('no-endpoint-nodeports', 'inet_proto . inet_service', [...b.rejectPorts]),
    set('hairpin', 'ipv4_addr . ipv4_addr', [...b.hairpin]),
    ...[...b.affinitySets].map(([name, t]) => `\tset ${name} {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout ${t}s\n\t}`),
    chain('nat-prerouting', ['type nat hook prerouting priority dstnat; policy accept;', 'jump services']),
    // Numeric: nft 1.0.6 accepts the name 'dstnat' for prerouting only (-100 is dstnat).
    chain('nat-output', ['type nat hook output priority -100; policy accept;', 'jump services']),
    chain('nat-postrouting', ['type nat hook postrouting priority srcnat; policy accept;',
      `meta mark & ${masqMark} == ${masqMark} meta mark set meta mark ^ ${masqMark} masquerade`,
      // A pod reaching itself through its service: without the masquerade its reply would
      // go straight back to itself, unmatched by conntrack.
      'ct status dnat ip saddr . ip daddr @hairpin masquerade']),
    chain('services', ['ip daddr . meta l4proto . th dport vmap @cluster-ips',
      'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @node-ports']),
    // A service without endpoints answers at once (RST / port unreachable) instead of
    // letting the client wait for a timeout.
    chain('reject-services', [
      'ip daddr . meta l4proto . th dport @no-endpoint-ips meta l4proto tcp reject with tcp reset',
      'ip daddr . meta l4proto . th dport @no-endpoint-ips reject',
      'fib daddr type local meta l4proto . th dport @no-endpoint-nodeports meta l4proto tcp reject with tcp reset',
      'fib daddr type local meta l4proto . th dport @no-endpoint-nodeports reject']),
    // loadBalancerSourceRanges, before DNAT rewrites the load balancer's address away.
    chain('filter-prerouting', ['type filter hook prerouting priority -110; policy accept;', 'ct state new ip daddr . meta l4proto . th dport vmap @firewall-ips']),
    chain('filter-output-pre-dnat', ['type filter hook output priority -110; policy accept;', 'ct state new ip daddr . meta l4proto . th dport vmap @firewall-ips']),
    chain('filter-input', ['type filter hook input priority filter; policy accept;', 'ct state new jump reject-services']),
    chain('filter-forward', ['type filter hook forward priority filter; policy accept;', 'ct state new jump reject-services']),
    chain('filter-output', ['type filter hook output priority filter; policy accept;', 'ct state new jump reject-services']),
    ...[...b.chains].map(([name, rules]) => chain(name, rules)),
    '}',
    '',
  ].join('\n');
}

function renderPort(b: Ruleset, svc: Service, port: ServicePort, ip: string, slices: EndpointSlice[], opts: RenderOptions): void {
  const proto = (port.protocol ?? 'TCP').toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') return;
  const id = `${svcId(svc)}/${port.name ?? ''}/${proto}`;
  const h = hash(id);
  const spec = svc.spec ?? {};
  const backends = backendsFor(svc, port, slices, opts.nodeName);
  const affinity = spec.sessionAffinity === 'ClientIP'
    ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinitySeconds : 0;
  const sep = (be: Backend): string => `sep-${hash(`${id}/${be.ip}:${be.port}`)}`;
  const np = spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? port.nodePort : undefined;
  // Destinations from outside the cluster: the NodePort, external IPs and the load
  // balancer's IPs all follow externalTrafficPolicy, as in kube-proxy.
  const lbIPs = loadBalancerIPs(svc);
  const extKeys = [...externalIPs(svc), ...lbIPs].map((a) => `${a} . ${proto} . ${port.port}`);
  const usesExternal = !!np || extKeys.length > 0;
  const all = unique([...backends.cluster, ...(usesExternal ? backends.external : [])]);
  for (const be of all) b.hairpin.add(`${be.ip} . ${be.ip}`);
  // Affinity needs a chain per endpoint (to record the client); otherwise one rule picks
  // and DNATs, which keeps the table small: chains cost the kernel far more than elements.
  if (affinity > 0) {
    for (const be of all) {
      const name = sep(be);
      b.affinitySets.set(`aff-${name}`, affinity);
      b.chains.set(name, [`update @aff-${name} { ip saddr }`, `meta l4proto ${proto} dnat to ${be.ip}:${be.port}`]);
    }
  }
  const spread = (list: Backend[]): string[] => {
    if (affinity > 0) {
      const rules = list.map((be) => `ip saddr @aff-${sep(be)} goto ${sep(be)}`);
      if (list.length === 1) rules.push(`goto ${sep(list[0]!)}`);
      else rules.push(`numgen random mod ${list.length} vmap { ${list.map((be, i) => `${i} : goto ${sep(be)}`).join(', ')} }`);
      return rules;
    }
    if (list.length === 1) return [`meta l4proto ${proto} dnat to ${list[0]!.ip}:${list[0]!.port}`];
    const elems = list.map((be, i) => `${i} : ${be.ip} . ${be.port}`).join(', ');
    return [`meta l4proto ${proto} dnat ip addr . port to numgen random mod ${list.length} map { ${elems} }`];
  };
  const key = `${ip} . ${proto} . ${port.port}`;
  const svcChain = `svc-${h}`;
  const hasCluster = backends.cluster.length > 0;
  if (hasCluster) {
    const rules = opts.clusterCIDR ? [`ip saddr != ${opts.clusterCIDR} meta mark set meta mark | ${masqMark}`] : [];
    b.chains.set(svcChain, [...rules, ...spread(backends.cluster)]);
    b.clusterIps.set(key, `goto ${svcChain}`);
  } else {
    b.rejectIps.add(key);
  }
  if (!usesExternal) return;
  const local = spec.externalTrafficPolicy === 'Local';
  const hasExternal = backends.external.length > 0;
  const extRules: string[] = [];
  if (!local) {
    extRules.push(`meta mark set meta mark | ${masqMark}`);
  } else if (hasCluster) {
    // Pods and the node itself are not outside clients: they reach an external address
    // through any endpoint, as if they had gone out to a load balancer and come back
    // (kube-proxy's short-circuits). The node's own traffic is masqueraded, since its
    // source would be the very address it dialled.
    if (opts.clusterCIDR) extRules.push(`ip saddr ${opts.clusterCIDR} goto ${svcChain}`);
    extRules.push(`fib saddr type local meta mark set meta mark | ${masqMark} goto ${svcChain}`);
  }
  // Local policy keeps the client's address (no masquerade), the point of choosing it.
  if (hasExternal) extRules.push(...spread(backends.external));
  const extChain = `ext-${h}`;
  const hasExtChain = hasExternal || (local && hasCluster);
  if (hasExtChain) b.chains.set(extChain, extRules);
  // Without a usable endpoint, what the chain does not take is refused (filter hooks).
  for (const k of extKeys) {
    if (hasExtChain) b.clusterIps.set(k, `goto ${extChain}`);
    if (!hasExternal) b.rejectIps.add(k);
  }
  if (np) {
    const npKey = `${proto} . ${np}`;
    if (hasExtChain) b.nodePorts.set(npKey, `goto ${extChain}`);
    if (!hasExternal) b.rejectPorts.add(npKey);
  }
  const ranges = sourceRanges(svc);
  if (lbIPs.length > 0 && ranges) {
    const fw = `fw-${h}`;
    b.chains.set(fw, [ranges.length ? `ip saddr != { ${ranges.join(', ')} } drop` : 'drop']);
    for (const a of lbIPs) b.firewallIps.set(`${a} . ${proto} . ${port.port}`, `goto ${fw}`);
  }
}

function chain(name: string, rules: string[]): string {
  return `\tchain ${name} {\n${rules.map((r) => `\t\t${r}`).join('\n')}\n\t}`;
}

function map(name: string, type: string, elems: string[]): string {
  return `\tmap ${name} {\n\t\ttype ${type}\n${elems.length ? `\t\telements = { ${elems.join(',\n\t\t\t')} }\n` : ''}\t}`;
}

function set(name: string, type: string, elems: string[]): string {
  return `\tset ${name} {\n\t\ttype ${type}\n${elems.length ? `\t\telements = { ${elems.join(',\n\t\t\t')} }\n` : ''}\t}`;
}

function unique(list: Backend[]): Backend[] {
  const seen = new Map<string, Backend>();
  for (const be of list) seen.set(`${be.ip}:${be.port}`, be);
  return [...seen.values()];
}

function svcId(svc: Service): string {
  return `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
}

// Chain names must be short identifiers; a hash of the service port keeps them unique.
// Remembered, since every sync re-derives the same names (bounded: cleared when large).
const hashes = new Map<string, string>();
function hash(s: string): string {
  let h = hashes.get(s);
  if (h === undefined) {
    if (hashes.size > 200_000) hashes.clear();
    h = createHash('sha256').update(s).digest('hex').slice(0, 16);
    hashes.set(s, h);
  }
  return h;
}
