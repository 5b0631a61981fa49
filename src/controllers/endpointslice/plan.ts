// Which slices to create, update and delete so that a Service's slices hold the desired
// endpoints. Endpoints stay in the slice they are already in where possible (so a
// change to one pod rewrites one slice); new ones fill slices with room before new
// slices are made; slices left empty are deleted, except that a Service with no
// endpoints at all keeps one empty placeholder slice, as Kubernetes does.

import { canonical } from '../endpoints/pods.js';
import type { EndpointPort } from '../endpoints/types.js';
import { endpointKey, portsKey, type PortGroup, type SliceEndpoint } from './desired.js';

export const maxEndpointsPerSlice = 100;

export interface ExistingSlice {
  name: string;
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

export interface SlicePlan {
  create: { ports: EndpointPort[]; endpoints: SliceEndpoint[] }[];
  update: { name: string; ports: EndpointPort[]; endpoints: SliceEndpoint[] }[];
  /** Names of slices whose content is already right (their metadata may still need a write). */
  keep: string[];
  delete: string[];
}

export function planSlices(groups: Map<string, PortGroup>, existing: ExistingSlice[], max = maxEndpointsPerSlice): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], keep: [], delete: [] };
  const byPorts = new Map<string, ExistingSlice[]>();
  for (const s of existing) {
    const k = portsKey(s.ports);
    byPorts.set(k, [...(byPorts.get(k) ?? []), s]);
  }
  for (const [k, slices] of byPorts) if (!groups.has(k)) for (const s of slices) plan.delete.push(s.name);
  let total = 0;
  for (const [k, g] of groups) {
    total += g.endpoints.length;
    const want = new Map(g.endpoints.map((e) => [endpointKey(e), e]));
    const placed = new Set<string>();
    const kept: { slice: ExistingSlice; endpoints: SliceEndpoint[] }[] = [];
    for (const s of byPorts.get(k) ?? []) {
      const eps: SliceEndpoint[] = [];
      for (const e of s.endpoints) {
        const id = endpointKey(e);
        const w = want.get(id);
        if (w && !placed.has(id) && eps.length < max) {
          eps.push(w);
          placed.add(id);
        }
      }
      kept.push({ slice: s, endpoints: eps });
    }
    const fresh = g.endpoints.filter((e) => !placed.has(endpointKey(e)));
    for (const ks of kept) while (fresh.length && ks.endpoints.length > 0 && ks.endpoints.length < max) ks.endpoints.push(fresh.shift()!);
    for (const ks of kept) {
      if (ks.endpoints.length === 0) {
        // An empty slice left over is reused for new endpoints before it is deleted.
        if (fresh.length) ks.endpoints.push(...fresh.splice(0, max));
        else {
          plan.delete.push(ks.slice.name);
          continue;
        }
      }
      const same = canonical(ks.endpoints) === canonical(ks.slice.endpoints) && portsKey(g.ports) === portsKey(ks.slice.ports);
      if (same) plan.keep.push(ks.slice.name);
      else plan.update.push({ name: ks.slice.name, ports: g.ports, endpoints: ks.endpoints });
    }
    while (fresh.length) plan.create.push({ ports: g.ports, endpoints: fresh.splice(0, max) });
  }
  if (total === 0) {
    // The placeholder: an existing empty slice stays, or one is made.
    const empty = existing.find((s) => s.endpoints.length === 0 && s.ports.length === 0);
    if (empty) {
      plan.delete = plan.delete.filter((n) => n !== empty.name);
      plan.keep.push(empty.name);
    } else if (plan.update.length === 0) {
      const reuse = plan.delete.shift();
      if (reuse) plan.update.push({ name: reuse, ports: [], endpoints: [] });
      else plan.create.push({ ports: [], endpoints: [] });
    }
  }
  return plan;
}
