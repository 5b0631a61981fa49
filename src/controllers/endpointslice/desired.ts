// The endpoints a Service's EndpointSlices should hold, grouped by their resolved port
// set (one slice carries one port list). Terminating pods stay, with ready false,
// serving = the pod's Ready condition and terminating true, so a service proxy can
// keep sending to them while nothing else is left (zero-loss rollouts).

import { canonical, isPodReady, isTerminating, podHostname, podIsCandidate, podPorts, selects, targetRef } from '../endpoints/pods.js';
import type { EndpointPort, NodeObj, PodObj, ServiceObj } from '../endpoints/types.js';
import type { Lister } from '../../client/lister.js';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

export interface PortGroup {
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

const zoneLabel = 'topology.kubernetes.io/zone';

export function endpointKey(e: SliceEndpoint): string {
  // Mirrored addresses of user-made Endpoints may have no targetRef; the IP names them then.
  if (!e.targetRef) return `ip:${e.addresses[0] ?? ''}`;
  return e.targetRef.uid || `${e.targetRef.namespace ?? ''}/${e.targetRef.name ?? ''}`;
}

/**
 * A port list's identity. The API server stores an unnamed slice port with name "" (the
 * field is a pointer in Kubernetes), so a missing name and "" are the same port here:
 * otherwise every sync saw its own slice as another port set and replaced it.
 */
export function portsKey(ports: EndpointPort[] | undefined): string {
  return canonical((ports ?? []).map((p) => ({ ...p, name: p.name ?? '' })));
}

export function desiredGroups(svc: ServiceObj, pods: PodObj[], nodes: Lister<NodeObj> | undefined): Map<string, PortGroup> {
  const publish = !!svc.spec?.publishNotReadyAddresses;
  const groups = new Map<string, PortGroup>();
  for (const pod of pods) {
    if (!selects(svc, pod.metadata.labels) || !podIsCandidate(pod, true)) continue;
    const ip = pod.status!.podIP!;
    if (ip.includes(':')) continue; // slices of addressType IPv4 only
    const ports = podPorts(svc, pod);
    if ((svc.spec?.ports ?? []).length > 0 && ports.length === 0) continue;
    const serving = isPodReady(pod);
    const terminating = isTerminating(pod);
    const ep: SliceEndpoint = {
      addresses: [ip],
      // Never ready while terminating, unless the Service publishes every address.
      conditions: { ready: publish || (serving && !terminating), serving, terminating },
      targetRef: targetRef(pod),
    };
    const hostname = podHostname(svc, pod);
    if (hostname) ep.hostname = hostname;
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      ep.nodeName = nodeName;
      const zone = nodes?.get('', nodeName)?.metadata.labels?.[zoneLabel];
      if (zone) ep.zone = zone;
    }
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(ep);
  }
  return groups;
}
