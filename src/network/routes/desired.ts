// Which routes this node should hold: for every other node with an IPv4 pod CIDR inside
// the cluster CIDR and an InternalIP on one of this node's directly connected subnets,
// `<podCIDR> via <InternalIP> dev <that subnet's device>`. A pure function of the Node
// list and this host's addresses, so every case is testable without a kernel.
import type { KObject } from '../../client/index.js';
import { formatPrefix, parseIPv4, parseIPv4Prefix, prefixContains, prefixesOverlap, type Ipv4Prefix } from './cidr.js';

export interface NodeLike extends KObject {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
  status?: { addresses?: Array<{ type?: string; address?: string }> };
}

/** One IPv4 address of this host, as `ip -j addr` lists it. */
export interface LocalAddress {
  dev: string;
  address: string;
  prefixLen: number;
}

export interface PodRoute {
  /** Canonical prefix, e.g. 10.42.1.0/24. */
  dst: string;
  via: string;
  dev: string;
  /** The node that owns dst. */
  node: string;
}

export interface SkippedNode {
  node: string;
  reason: string;
}

export interface DesiredRoutes {
  routes: PodRoute[];
  skipped: SkippedNode[];
}

interface Candidate {
  node: string;
  prefixes: Ipv4Prefix[];
  via: string;
  dev: string;
}

export function podCIDRsOf(node: NodeLike): string[] {
  const list = node.spec?.podCIDRs;
  if (list && list.length > 0) return list;
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

export function internalIPv4Of(node: NodeLike): string | undefined {
  for (const a of node.status?.addresses ?? []) {
    if (a.type === 'InternalIP' && a.address && parseIPv4(a.address) !== undefined) return a.address;
  }
  return undefined;
}

/** The connected subnet with the longest prefix that holds ip (host routes, /32, connect nothing). */
function connectedSubnetOf(ip: number, local: LocalAddress[]): LocalAddress | undefined {
  let best: LocalAddress | undefined;
  for (const l of local) {
    if (l.prefixLen >= 32) continue;
    const p = parseIPv4Prefix(`${l.address}/${l.prefixLen}`);
    if (!p || !prefixContains(p, ip)) continue;
    if (!best || l.prefixLen > best.prefixLen) best = l;
  }
  return best;
}

export function computeDesiredRoutes(nodes: NodeLike[], selfName: string, local: LocalAddress[], clusterCIDR: string): DesiredRoutes {
  const cluster = parseIPv4Prefix(clusterCIDR);
  if (!cluster) throw new RangeError(`cluster CIDR ${JSON.stringify(clusterCIDR)} is not an IPv4 prefix`);
  const skipped: SkippedNode[] = [];
  const localIPs = new Set(local.map((l) => parseIPv4(l.address)));
  const self = nodes.find((n) => n.metadata.name === selfName);
  const own = self ? podCIDRsOf(self).map(parseIPv4Prefix).filter((p): p is Ipv4Prefix => p !== undefined) : [];

  const candidates: Candidate[] = [];
  for (const n of nodes) {
    const name = n.metadata.name ?? '';
    if (name === selfName || n.metadata.deletionTimestamp) continue;
    const skip = (reason: string) => skipped.push({ node: name, reason });
    const cidrs = podCIDRsOf(n);
    if (cidrs.length === 0) { skip('no pod CIDR assigned yet'); continue; }
    // IPv6 pod CIDRs have no route here (the pod network is IPv4); anything outside the
    // cluster CIDR is refused, so that a wrong Node object cannot steer other traffic.
    const prefixes = cidrs.map(parseIPv4Prefix).filter((p): p is Ipv4Prefix => p !== undefined);
    const outside = prefixes.filter((p) => !(p.bits >= cluster.bits && prefixContains(cluster, p.base)));
    if (prefixes.length === 0) { skip(`no IPv4 pod CIDR in ${cidrs.join(',')}`); continue; }
    if (outside.length > 0) { skip(`pod CIDR ${outside.map(formatPrefix).join(',')} is outside the cluster CIDR ${clusterCIDR}`); continue; }
    if (own.some((o) => prefixes.some((p) => prefixesOverlap(o, p)))) { skip(`pod CIDR ${cidrs.join(',')} overlaps this node's own`); continue; }
    const ipText = internalIPv4Of(n);
    if (!ipText) { skip('no IPv4 InternalIP address'); continue; }
    const ip = parseIPv4(ipText)!;
    if (localIPs.has(ip)) { skip(`its InternalIP ${ipText} is an address of this node`); continue; }
    if (prefixContains(cluster, ip)) { skip(`its InternalIP ${ipText} is inside the cluster CIDR ${clusterCIDR}`); continue; }
    const subnet = connectedSubnetOf(ip, local);
    if (!subnet) {
      skip(`its InternalIP ${ipText} is not on a directly connected subnet of this node (host-gw needs the nodes on one L2 network)`);
      continue;
    }
    candidates.push({ node: name, prefixes, via: ipText, dev: subnet.dev });
  }

  // Two nodes claiming overlapping CIDRs (an allocator mistake, or a hand-made Node):
  // neither gets a route, rather than one chosen by list order.
  const conflicted = new Set<string>();
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      const a = candidates[i]!, b = candidates[j]!;
      if (a.prefixes.some((p) => b.prefixes.some((q) => prefixesOverlap(p, q)))) {
        conflicted.add(a.node).add(b.node);
      }
    }
  }
  const routes: PodRoute[] = [];
  for (const c of candidates) {
    if (conflicted.has(c.node)) {
      skipped.push({ node: c.node, reason: 'its pod CIDR overlaps another node\'s' });
      continue;
    }
    for (const p of c.prefixes) routes.push({ dst: formatPrefix(p), via: c.via, dev: c.dev, node: c.node });
  }
  routes.sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
  skipped.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return { routes, skipped };
}
