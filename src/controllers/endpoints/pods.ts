// Which pods a Service picks and what each contributes: its readiness, whether it is
// terminating, and the ports its targetPorts resolve to on it. Named targetPorts are
// looked up in the pod's own container ports, so pods of one Service may answer on
// different numbers.

import { labelSelectorFromSet } from '../../api/selectors/index.js';
import type { EndpointPort, PodObj, ServiceObj, ServicePort } from './types.js';

export function hasSelector(svc: ServiceObj): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** A Service without a selector picks nothing: its endpoints are the user's. */
export function selects(svc: ServiceObj, labels: Record<string, string> | undefined): boolean {
  if (!hasSelector(svc)) return false;
  return labelSelectorFromSet(svc.spec?.selector).matches(labels ?? {});
}

export function isPodReady(pod: PodObj): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isTerminating(pod: PodObj): boolean {
  return !!pod.metadata.deletionTimestamp;
}

/**
 * A pod that can be an endpoint at all: it has an IP and has not finished. Terminating
 * pods are included only when asked (EndpointSlices keep them, Endpoints do not).
 */
export function podIsCandidate(pod: PodObj, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return includeTerminating || !isTerminating(pod);
}

/** The container port a service port's targetPort names on this pod, if any. */
export function resolveTargetPort(pod: PodObj, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The ports of one pod for a Service, in the Service's order; unresolved names are left out. */
export function podPorts(svc: ServiceObj, pod: PodObj): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = resolveTargetPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
    if (sp.name) ep.name = sp.name;
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** The DNS hostname a pod gets under a headless Service that is its subdomain. */
export function podHostname(svc: ServiceObj, pod: PodObj): string | undefined {
  const h = pod.spec?.hostname;
  if (h && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace) return h;
  return undefined;
}

export function targetRef(pod: PodObj): { kind: string; name: string; namespace: string; uid: string } {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
}

/** JSON with sorted keys, so objects that came back from the server compare equal to ours. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, y]) => y !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return x;
  });
}
