// Writes a slice plan for one Service through the API: deletions, in-place updates
// (and label fixes of slices whose content is right), then creations with
// `<service>-<5 random>` names and the Service as controlling owner. Shared by the
// EndpointSlice controller and the mirroring controller; only their labels differ.

import { randomInt } from 'node:crypto';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { canonical } from '../endpoints/pods.js';
import type { EndpointPort, ServiceObj } from '../endpoints/types.js';
import type { PortGroup, SliceEndpoint } from './desired.js';
import { planSlices } from './plan.js';
import type { SliceWriteTracker } from './tracker.js';

export interface EndpointSliceObj extends KObject {
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: EndpointPort[] | null;
}

export function slicesPath(ns: string, name?: string): string {
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

export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The controlling owner reference to a Service (or, for mirrored slices, an Endpoints). */
export function ownerRef(owner: KObject, kind: 'Service' | 'Endpoints'): Record<string, unknown> {
  return { apiVersion: 'v1', kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export interface ApplyDeps {
  client: RestClient;
  log: Logger;
  /** Remembers each write until the cache shows it (see tracker.ts). */
  tracker?: SliceWriteTracker;
}

/** Brings `existing` (this manager's IPv4 slices of svc) to `groups`, all labelled `labels`; new ones get `owner`. */
export async function applySlices(
  svc: ServiceObj,
  existing: EndpointSliceObj[],
  groups: Map<string, PortGroup>,
  labels: Record<string, string>,
  owner: Record<string, unknown>,
  d: ApplyDeps,
): Promise<void> {
  const ns = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const plan = planSlices(
    groups,
    existing.map((s) => ({ name: s.metadata.name ?? '', ports: s.ports ?? [], endpoints: s.endpoints ?? [] })),
  );
  const byName = new Map(existing.map((s) => [s.metadata.name ?? '', s]));
  const key = `${ns}/${name}`;
  for (const n of plan.delete) {
    await ignoreNotFound(d.client.delete(slicesPath(ns, n)));
    d.tracker?.deleted(key, n);
  }
  const write = async (n: string, ports: EndpointPort[], endpoints: SliceEndpoint[]) => {
    const cur = byName.get(n)!;
    const body = { ...structuredClone(cur), metadata: { ...structuredClone(cur.metadata), labels }, ports, endpoints };
    try {
      const written = await d.client.update<EndpointSliceObj>(slicesPath(ns, n), body);
      d.tracker?.updated(key, n, written.metadata.resourceVersion);
    } catch (err) {
      // The slice's own event brings a fresh cache and another sync.
      if (isConflict(err)) d.log.info(`endpointslice: ${ns}/${name}: ${n} changed underneath; retrying`);
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
        metadata: { name: sliceName(name), namespace: ns, labels, ownerReferences: [owner] },
        addressType: 'IPv4',
        ports: c.ports,
        endpoints: c.endpoints,
      };
      try {
        await d.client.create(slicesPath(ns), body);
        d.tracker?.created(key, body.metadata.name);
        break;
      } catch (err) {
        if (!isAlreadyExists(err) || attempt >= 3) throw err;
      }
    }
  }
}
