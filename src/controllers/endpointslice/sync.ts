// One sync of one Service's EndpointSlices: the slices this controller manages for it
// (by label) are brought to the endpoints its pods make; a gone Service has its managed
// slices deleted, one without a selector those it owns. Slices of other managers (the mirroring
// controller's, a user's) are never touched.

import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { splitKey, type KObject } from '../../client/types.js';
import { hasSelector } from '../endpoints/pods.js';
import type { NodeObj, PodObj, ServiceObj } from '../endpoints/types.js';
import { applySlices, ignoreNotFound, ownerRef, slicesPath, type EndpointSliceObj } from './apply.js';
import { desiredGroups } from './desired.js';
import type { SliceWriteTracker } from './tracker.js';

export { sliceName, type EndpointSliceObj } from './apply.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';

export interface SliceSyncDeps {
  client: RestClient;
  log: Logger;
  services: Lister<ServiceObj>;
  pods: Lister<PodObj>;
  slices: Lister<EndpointSliceObj>;
  nodes?: Lister<NodeObj>;
  tracker?: SliceWriteTracker;
}

export function isManagedBy(s: EndpointSliceObj, manager: string): boolean {
  return s.metadata.labels?.[managedByLabel] === manager && !!s.metadata.labels?.[serviceNameLabel];
}

export function isManaged(s: EndpointSliceObj): boolean {
  return isManagedBy(s, controllerName);
}

export function sliceLabels(svc: ServiceObj, manager: string): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  labels[serviceNameLabel] = svc.metadata.name ?? '';
  labels[managedByLabel] = manager;
  return labels;
}

/**
 * This manager's slices of an owner: those of an earlier owner of the same name
 * (another uid) are deleted, the IPv4 ones of this one returned.
 */
export async function ownSlices(owner: KObject, mine: EndpointSliceObj[], client: RestClient): Promise<EndpointSliceObj[]> {
  const ns = owner.metadata.namespace ?? '';
  const owned = mine.filter((s) => (s.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid));
  for (const s of mine) if (!owned.includes(s)) await ignoreNotFound(client.delete(slicesPath(ns, s.metadata.name)));
  return owned.filter((s) => (s.addressType ?? 'IPv4') === 'IPv4');
}

export async function syncEndpointSlices(key: string, d: SliceSyncDeps): Promise<void> {
  const { namespace: ns, name } = splitKey(key);
  const svc = d.services.get(ns, name);
  const mine = d.slices.list(ns).filter((s) => isManaged(s) && s.metadata.labels?.[serviceNameLabel] === name);
  // Our last writes are not in the cache yet: acting now would undo or repeat them.
  if (d.tracker && !d.tracker.isCurrent(key, mine)) return;
  if (!svc) {
    // The garbage collector would get there too; slices with no Service owner (the API
    // server's own for `kubernetes`, perhaps seen before its Service) are left alone.
    const ownedByService = (s: EndpointSliceObj) => (s.metadata.ownerReferences ?? []).some((r) => r.kind === 'Service' && r.name === name);
    for (const s of mine) if (ownedByService(s)) await ignoreNotFound(d.client.delete(slicesPath(ns, s.metadata.name)));
    return;
  }
  // ExternalName Services are a DNS alias: no slices from here, as in Kubernetes.
  if (!hasSelector(svc) || svc.spec?.type === 'ExternalName') {
    // Slices this controller made while the Service had a selector would send traffic to
    // pods it no longer picks; slices without that owner (the API server's own for
    // `kubernetes`, say) are not ours to remove.
    for (const s of mine) if ((s.metadata.ownerReferences ?? []).some((r) => r.uid === svc.metadata.uid)) await ignoreNotFound(d.client.delete(slicesPath(ns, s.metadata.name)));
    return;
  }
  const existing = await ownSlices(svc, mine, d.client);
  await applySlices(svc, existing, desiredGroups(svc, d.pods.list(ns), d.nodes), sliceLabels(svc, controllerName), ownerRef(svc, 'Service'), d);
}
