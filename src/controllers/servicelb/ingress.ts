// Which addresses a LoadBalancer Service is reachable at, the way k3s's servicelb
// decides them: the addresses of the nodes that would carry its load balancer (ready,
// schedulable, not excluded), ExternalIPs when any of those nodes has one and InternalIPs
// otherwise, filtered to the service's IP families and sorted. Under
// externalTrafficPolicy Local only nodes with a ready endpoint of the service count, since
// the others would drop the traffic. The service proxy on every node then accepts traffic
// to these addresses on the service's ports (src/network/proxy/).

import type { KObject } from '../../client/types.js';

export interface LbService extends KObject {
  spec?: {
    type?: string;
    loadBalancerClass?: string;
    externalTrafficPolicy?: string;
    ipFamilies?: string[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: string }[] } };
}

export interface LbNode extends KObject {
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
  };
}

export interface LbSlice extends KObject {
  endpoints?: { conditions?: { ready?: boolean }; nodeName?: string; targetRef?: { kind?: string } }[];
}

/** Nodes with this label never carry load balancers (the cloud providers' label). */
export const excludeLabel = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** k3s's node selection: once any node has this label, only nodes labelled "true" serve. */
export const enableLbLabel = 'svccontroller.k3s.cattle.io/enablelb';
/** k3s's pools: a service with this label is served by the enabled nodes of the same pool. */
export const lbPoolLabel = 'svccontroller.k3s.cattle.io/lbpool';
const serviceNameLabel = 'kubernetes.io/service-name';

/** Ours: type LoadBalancer without a loadBalancerClass (a class names another implementation). */
export function wantsLoadBalancer(svc: LbService): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

function isReady(n: LbNode): boolean {
  return (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The nodes that carry the service's load balancer. */
export function eligibleNodes(svc: LbService, nodes: LbNode[]): LbNode[] {
  const selecting = nodes.some((n) => n.metadata.labels?.[enableLbLabel] !== undefined);
  const pool = svc.metadata.labels?.[lbPoolLabel];
  return nodes.filter((n) => {
    const labels = n.metadata.labels ?? {};
    if (!isReady(n) || n.spec?.unschedulable || labels[excludeLabel] !== undefined) return false;
    if (selecting && labels[enableLbLabel] !== 'true') return false;
    if (selecting && pool && labels[lbPoolLabel] !== pool) return false;
    return true;
  });
}

/** Nodes with a ready pod endpoint of the service (for externalTrafficPolicy Local). */
export function nodesWithReadyEndpoints(slices: LbSlice[]): Set<string> {
  const out = new Set<string>();
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === true && ep.nodeName && ep.targetRef?.kind === 'Pod') out.add(ep.nodeName);
    }
  }
  return out;
}

/** The ingress addresses the service should have (slices: the service's own). */
export function desiredIngressIPs(svc: LbService, nodes: LbNode[], slices: LbSlice[]): string[] {
  let chosen = eligibleNodes(svc, nodes);
  if (svc.spec?.externalTrafficPolicy === 'Local') {
    const withEndpoints = nodesWithReadyEndpoints(slices);
    chosen = chosen.filter((n) => withEndpoints.has(n.metadata.name ?? ''));
  }
  const external = new Set<string>();
  const internal = new Set<string>();
  for (const n of chosen) {
    for (const a of n.status?.addresses ?? []) {
      if (a.type === 'ExternalIP') external.add(a.address);
      else if (a.type === 'InternalIP') internal.add(a.address);
    }
  }
  const ips = [...(external.size > 0 ? external : internal)];
  const v4 = ips.filter((ip) => !ip.includes(':')).sort();
  const v6 = ips.filter((ip) => ip.includes(':')).sort();
  const out: string[] = [];
  for (const family of svc.spec?.ipFamilies ?? ['IPv4']) {
    if (family === 'IPv4') out.push(...v4);
    else if (family === 'IPv6') out.push(...v6);
  }
  return out;
}

/** The IPs (and hostnames) the service's status lists now, in order. */
export function currentIngress(svc: LbService): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '');
}

/** Slices of the service, by their kubernetes.io/service-name label. */
export function slicesOf(svc: LbService, slices: LbSlice[]): LbSlice[] {
  return slices.filter((s) => s.metadata.labels?.[serviceNameLabel] === svc.metadata.name);
}
