// Picks the endpoints one service port may send to, the way kube-proxy does: ready ones;
// only when none is ready, the terminating ones still serving (so a rollout never drops
// connections while a ready endpoint exists, and never sends new ones to a pod whose
// readiness is false). Local traffic policies narrow the choice to this node first.
import type { EndpointSlice, Service, ServicePort } from './types.js';

export interface Backend { ip: string; port: number; nodeName?: string }

export interface PortBackends {
  /** For ClusterIP traffic (all endpoints, or this node's under internalTrafficPolicy Local). */
  cluster: Backend[];
  /** For NodePort traffic (this node's only under externalTrafficPolicy Local). */
  external: Backend[];
}

export const serviceNameLabel = 'kubernetes.io/service-name';

interface Candidate extends Backend { ready: boolean; servingTerminating: boolean }

/** IPv4 slices by "namespace/service", the service named by the slice's label. */
export function slicesByService(slices: EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.[serviceNameLabel];
    if (!svc || (s.addressType ?? 'IPv4') !== 'IPv4') continue;
    const key = `${s.metadata.namespace ?? ''}/${svc}`;
    const list = out.get(key);
    if (list) list.push(s);
    else out.set(key, [s]);
  }
  return out;
}

export function slicesOf(svc: Service, slices: EndpointSlice[]): EndpointSlice[] {
  return slices.filter((s) =>
    s.metadata.namespace === svc.metadata.namespace &&
    s.metadata.labels?.[serviceNameLabel] === svc.metadata.name &&
    (s.addressType ?? 'IPv4') === 'IPv4');
}

export function backendsFor(svc: Service, port: ServicePort, slices: EndpointSlice[], nodeName: string): PortBackends {
  const proto = port.protocol ?? 'TCP';
  const byKey = new Map<string, Candidate>();
  for (const slice of slices) {
    // Slice ports carry the service port's name; an unnamed service port matches ''.
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === proto);
    if (!sp || sp.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses[0];
      if (!ip) continue;
      const c = ep.conditions ?? {};
      // Absent conditions mean "ready" and "serving" (the API says so).
      const ready = c.ready !== false && c.terminating !== true;
      const servingTerminating = c.terminating === true && (c.serving ?? c.ready) === true;
      const key = `${ip}:${sp.port}`;
      const prev = byKey.get(key);
      // The same endpoint may sit in two slices while they are rebalanced; ready wins.
      if (prev && (prev.ready || !ready)) continue;
      byKey.set(key, { ip, port: sp.port, nodeName: ep.nodeName, ready, servingTerminating });
    }
  }
  const all = [...byKey.values()].map((c) => ({ c, n: ipNum(c.ip) }))
    .sort((a, b) => a.n - b.n || a.c.port - b.c.port).map((x) => x.c);
  const local = all.filter((b) => b.nodeName === nodeName);
  const spec = svc.spec ?? {};
  return {
    cluster: usable(spec.internalTrafficPolicy === 'Local' ? local : all),
    external: usable(spec.externalTrafficPolicy === 'Local' ? local : all),
  };
}

function usable(cands: Candidate[]): Backend[] {
  const ready = cands.filter((c) => c.ready);
  const chosen = ready.length > 0 ? ready : cands.filter((c) => c.servingTerminating);
  return chosen.map(({ ip, port, nodeName }) => ({ ip, port, nodeName }));
}

function ipNum(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
