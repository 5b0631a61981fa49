// Which resources the garbage collector follows, asked of the server's discovery
// documents (so resources added later, such as CRDs, are covered on the next round):
// every resource that can be listed, watched and deleted. The kind table it returns
// also turns an ownerReference (apiVersion + kind) into a path for the GET that
// confirms an owner is really gone.

import { isRecord } from '../../client/types.js';

export interface DiscoveryClient {
  json<T>(method: string, path: string): Promise<T>;
}

export interface GcResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

interface APIResource {
  name?: unknown;
  kind?: unknown;
  namespaced?: unknown;
  verbs?: unknown;
}

/** Every version of every group (an owner may name any served version), with its resources. */
export async function discoverGcResources(client: DiscoveryClient): Promise<{ resources: GcResource[]; preferred: GcResource[] }> {
  const gvs: { group: string; version: string; preferred: boolean }[] = [{ group: '', version: 'v1', preferred: true }];
  const groups = await client.json<{ groups?: unknown }>('GET', '/apis');
  for (const g of Array.isArray(groups.groups) ? groups.groups : []) {
    if (!isRecord(g) || typeof g.name !== 'string') continue;
    const pv = isRecord(g.preferredVersion) ? g.preferredVersion.version : undefined;
    for (const v of Array.isArray(g.versions) ? g.versions : []) {
      if (isRecord(v) && typeof v.version === 'string') gvs.push({ group: g.name, version: v.version, preferred: v.version === pv });
    }
  }
  const resources: GcResource[] = [];
  const preferred: GcResource[] = [];
  for (const gv of gvs) {
    const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
    const doc = await client.json<{ resources?: unknown }>('GET', path);
    for (const r of Array.isArray(doc.resources) ? (doc.resources as APIResource[]) : []) {
      if (typeof r.name !== 'string' || r.name.includes('/') || typeof r.kind !== 'string') continue;
      const verbs = Array.isArray(r.verbs) ? r.verbs : [];
      const res: GcResource = { group: gv.group, version: gv.version, resource: r.name, kind: r.kind, namespaced: r.namespaced === true };
      resources.push(res);
      // One informer per resource: the preferred version sees every object of it.
      if (gv.preferred && verbs.includes('list') && verbs.includes('watch') && verbs.includes('delete')) preferred.push(res);
    }
  }
  return { resources, preferred };
}

/** Finds the resource an ownerReference's apiVersion and kind name. */
export function resourceForKind(resources: readonly GcResource[], apiVersion: string, kind: string): GcResource | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return resources.find((r) => r.group === group && r.version === version && r.kind === kind) ?? resources.find((r) => r.group === group && r.kind === kind);
}
