// One sync of one Service's EndpointSlices: the slices this controller manages for it
// (by label) are brought to the plan; a gone Service, or one without a selector, has
// its managed slices deleted (user-made slices, other managers', are never touched).

import { randomInt } from 'node:crypto';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { splitKey, type KObject } from '../../client/types.js';
import { canonical, hasSelector } from '../endpoints/pods.js';
import type { EndpointPort, NodeObj, PodObj, ServiceObj } from '../endpoints/types.js';
import { desiredGroups, type SliceEndpoint } from './desired.js';
import { planSlices } from './plan.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';

export interface EndpointSliceObj extends KObject {
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: EndpointPort[] | null;
}

export interface SliceSyncDeps {
  client: RestClient;
  log: Logger;
  services: Lister<ServiceObj>;
  pods: Lister<PodObj>;
  slices: Lister<EndpointSliceObj>;
  nodes?: Lister<NodeObj>;
}

export function isManaged(s: EndpointSliceObj): boolean {
  return s.metadata.labels?.[managedByLabel] === controllerName && !!s.metadata.labels?.[serviceNameLabel];
}

function slicesPath(ns: string, name?: string): string {
  const base = `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/endpointslices`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

/** `<service>-<5 random>`, as the API server's generateName would make it. */
export function sliceName(service: string): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += nameChars[randomInt(nameChars.length)];
  return `${service.slice(0, 57)}-${s}`;
}

function sliceLabels(svc: ServiceObj): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  labels[serviceNameLabel] = svc.metadata.name ?? '';
  labels[managedByLabel] = controllerName;
  return labels;
}

function ownerRef(svc: ServiceObj): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true };
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export async function syncEndpointSlices(key: string, d: SliceSyncDeps): Promise<void> {
  const { namespace: ns, name } = splitKey(key);
  const svc = d.services.get(ns, name);
  const mine = d.slices.list(ns).filter((s) => isManaged(s) && s.metadata.labels?.[serviceNameLabel] === name);
  if (!svc || !hasSelector(svc)) {
    for (const s of mine) await ignoreNotFound(d.client.delete(slicesPath(ns, s.metadata.name)));
    return;
  }
  // Slices of an earlier Service of the same name belong to the garbage collector.
  const owned = mine.filter((s) => (s.metadata.ownerReferences ?? []).some((r) => r.uid === svc.metadata.uid));
  for (const s of mine) if (!owned.includes(s)) await ignoreNotFound(d.client.delete(slicesPath(ns, s.metadata.name)));
  const ipv4 = owned.filter((s) => (s.addressType ?? 'IPv4') === 'IPv4');
  const plan = planSlices(
    desiredGroups(svc, d.pods.list(ns), d.nodes),
    ipv4.map((s) => ({ name: s.metadata.name ?? '', ports: s.ports ?? [], endpoints: s.endpoints ?? [] })),
  );
  const labels = sliceLabels(svc);
  const byName = new Map(ipv4.map((s) => [s.metadata.name ?? '', s]));
  for (const n of plan.delete) await ignoreNotFound(d.client.delete(slicesPath(ns, n)));
  const write = async (n: string, ports: EndpointPort[], endpoints: SliceEndpoint[]) => {
    const cur = byName.get(n)!;
    const body = { ...structuredClone(cur), metadata: { ...structuredClone(cur.metadata), labels }, ports, endpoints };
    try {
      await d.client.update(slicesPath(ns, n), body);
    } catch (err) {
      if (isConflict(err)) d.log.info(`endpointslice: ${key}: ${n} changed underneath; retrying`);
      throw err;
    }
  };
  for (const u of plan.update) await write(u.name, u.ports, u.endpoints);
  for (const n of plan.keep) {
    const cur = byName.get(n)!;
    if (canonical(cur.metadata.labels ?? {}) !== canonical(labels)) await write(n, cur.ports ?? [], cur.endpoints ?? []);
  }
  for (const c of plan.create) {
    for (let attempt = 0; ; attempt++) {
      const body = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: sliceName(name), namespace: ns, labels, ownerReferences: [ownerRef(svc)] },
        addressType: 'IPv4',
        ports: c.ports,
        endpoints: c.endpoints,
      };
      try {
        await d.client.create(slicesPath(ns), body);
        break;
      } catch (err) {
        if (!isAlreadyExists(err) || attempt >= 3) throw err;
      }
    }
  }
}
