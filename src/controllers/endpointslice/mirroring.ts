// The EndpointSlice mirroring controller: Endpoints a user writes for a Service without
// a selector are copied into EndpointSlices (managed-by
// endpointslicemirroring-controller.k8s.io, owned by the Endpoints), so that readers of
// slices, the service proxy first, see them too. Endpoints labelled
// endpointslice.kubernetes.io/skip-mirror=true, and those of Services with a selector
// (the EndpointSlice controller's business), are not mirrored.

import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { splitKey } from '../../client/types.js';
import type { EndpointAddress } from '../endpoints/subsets.js';
import type { EndpointsObj } from '../endpoints/sync.js';
import { hasSelector } from '../endpoints/pods.js';
import type { EndpointPort, ServiceObj } from '../endpoints/types.js';
import { applySlices, ignoreNotFound, ownerRef, slicesPath, type EndpointSliceObj } from './apply.js';
import type { SliceWriteTracker } from './tracker.js';
import { endpointKey, portsKey, type PortGroup, type SliceEndpoint } from './desired.js';
import { isManagedBy, ownSlices, serviceNameLabel, sliceLabels } from './sync.js';

export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
export const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror';
/** Addresses beyond this many in one subset are not mirrored, as in Kubernetes' default. */
export const maxMirroredPerSubset = 1000;

export interface MirrorSyncDeps {
  client: RestClient;
  log: Logger;
  services: Lister<ServiceObj>;
  endpoints: Lister<EndpointsObj>;
  slices: Lister<EndpointSliceObj>;
  /** Remembers each write until the cache shows it (see tracker.ts). */
  tracker?: SliceWriteTracker;
}

function mirrored(a: EndpointAddress, ready: boolean): SliceEndpoint {
  const e: SliceEndpoint = { addresses: [a.ip], conditions: { ready, serving: ready, terminating: false } };
  if (a.hostname) e.hostname = a.hostname;
  if (a.nodeName) e.nodeName = a.nodeName;
  if (a.targetRef) e.targetRef = a.targetRef;
  return e;
}

export function mirroredGroups(eps: EndpointsObj): Map<string, PortGroup> {
  const groups = new Map<string, PortGroup>();
  for (const s of eps.subsets ?? []) {
    const ports: EndpointPort[] = (s.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    const seen = new Set(g.endpoints.map(endpointKey));
    const all = [...(s.addresses ?? []).map((a) => mirrored(a, true)), ...(s.notReadyAddresses ?? []).map((a) => mirrored(a, false))];
    let n = 0;
    for (const e of all) {
      if (e.addresses[0].includes(':') || seen.has(endpointKey(e)) || n >= maxMirroredPerSubset) continue;
      seen.add(endpointKey(e));
      g.endpoints.push(e);
      n++;
    }
  }
  return groups;
}

export async function syncMirroredSlices(key: string, d: MirrorSyncDeps): Promise<void> {
  const { namespace: ns, name } = splitKey(key);
  const svc = d.services.get(ns, name);
  const eps = d.endpoints.get(ns, name);
  const mine = d.slices.list(ns).filter((s) => isManagedBy(s, mirroringControllerName) && s.metadata.labels?.[serviceNameLabel] === name);
  if (!svc || hasSelector(svc) || !eps || eps.metadata.labels?.[skipMirrorLabel] === 'true') {
    for (const s of mine) await ignoreNotFound(d.client.delete(slicesPath(ns, s.metadata.name)));
    return;
  }
  // Its own last writes not in the cache yet: the slice's event brings the key back.
  if (d.tracker && !d.tracker.isCurrent(key, mine)) return;
  const existing = await ownSlices(eps, mine, d.client);
  // Mirrored slices carry the Endpoints' labels, not the Service's.
  const labels = sliceLabels({ ...svc, metadata: { ...svc.metadata, labels: eps.metadata.labels } }, mirroringControllerName);
  await applySlices(svc, existing, mirroredGroups(eps), labels, ownerRef(eps, 'Endpoints'), d);
}
