// The desired subsets of a Service's Endpoints. Addresses sharing one set of resolved
// ports go into one subset; ready pods (or every pod, with publishNotReadyAddresses)
// into addresses, the rest into notReadyAddresses. Terminating pods are left out unless
// publishNotReadyAddresses asks for them. Sorted, so equal states compare equal.

import { canonical, isPodReady, podHostname, podIsCandidate, podPorts, selects, targetRef } from './pods.js';
import type { EndpointPort, PodObj, ServiceObj } from './types.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; name: string; namespace: string; uid: string };
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export function desiredSubsets(svc: ServiceObj, pods: PodObj[]): EndpointSubset[] {
  const publish = !!svc.spec?.publishNotReadyAddresses;
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!selects(svc, pod.metadata.labels) || !podIsCandidate(pod, publish)) continue;
    const ports = podPorts(svc, pod);
    // A Service with ports none of which resolve on this pod has nothing to offer from it.
    if ((svc.spec?.ports ?? []).length > 0 && ports.length === 0) continue;
    const addr: EndpointAddress = { ip: pod.status!.podIP! };
    const hostname = podHostname(svc, pod);
    if (hostname) addr.hostname = hostname;
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = targetRef(pod);
    const key = canonical(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (publish || isPodReady(pod) ? g.ready : g.notReady).push(addr);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? ''));
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => {
      const s: EndpointSubset = {};
      if (g.ready.length) s.addresses = g.ready.sort(byIp);
      if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(byIp);
      if (g.ports.length) s.ports = g.ports;
      return s;
    });
}

/** Kubernetes stores at most this many addresses in one Endpoints; slices carry the rest. */
export const maxEndpointsAddresses = 1000;

/**
 * Subsets cut to maxEndpointsAddresses, ready addresses kept before not-ready ones, and
 * whether anything was cut (then the Endpoints is annotated over-capacity).
 */
export function truncateSubsets(subsets: EndpointSubset[], max = maxEndpointsAddresses): { subsets: EndpointSubset[]; truncated: boolean } {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= max) return { subsets, truncated: false };
  let budget = max;
  const ready = subsets.map((s) => {
    const a = (s.addresses ?? []).slice(0, budget);
    budget -= a.length;
    return a;
  });
  const out: EndpointSubset[] = [];
  subsets.forEach((s, i) => {
    const nr = (s.notReadyAddresses ?? []).slice(0, budget);
    budget -= nr.length;
    const t: EndpointSubset = {};
    if (ready[i].length) t.addresses = ready[i];
    if (nr.length) t.notReadyAddresses = nr;
    if (s.ports) t.ports = s.ports;
    if (t.addresses || t.notReadyAddresses) out.push(t);
  });
  return { subsets: out, truncated: true };
}
