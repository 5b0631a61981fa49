// Which resources a namespace can hold, asked of the server's discovery documents
// rather than a built-in table, so resources added later (CRDs, new groups) are
// emptied too. A group whose discovery fails is reported, not skipped silently: the
// caller must not finalize a namespace whose content it could not enumerate.

import { isRecord } from '../../client/types.js';
import type { ResourceRef } from '../../client/resource-path.js';

export interface DiscoveryClient {
  json<T>(method: string, path: string): Promise<T>;
}

export interface DeletableResource extends Pick<ResourceRef, 'group' | 'version' | 'resource'> {
  /** Serves DELETE of the whole collection; otherwise objects are deleted one by one. */
  deleteCollection: boolean;
}

export interface DiscoveryResult {
  resources: DeletableResource[];
  /** group/version -> error message, for every group version that could not be read. */
  failures: Map<string, string>;
}

interface APIResource {
  name?: unknown;
  namespaced?: unknown;
  verbs?: unknown;
}

/**
 * Namespaced resources (no subresources) that can be listed and deleted, as Kubernetes
 * chooses them: deletecollection where served, else one delete per object.
 */
export async function discoverDeletableResources(client: DiscoveryClient): Promise<DiscoveryResult> {
  const failures = new Map<string, string>();
  const groupVersions: { group: string; version: string }[] = [{ group: '', version: 'v1' }];
  try {
    const groups = await client.json<{ groups?: unknown }>('GET', '/apis');
    for (const g of Array.isArray(groups.groups) ? groups.groups : []) {
      if (!isRecord(g) || typeof g.name !== 'string') continue;
      // The preferred version is enough: every version of a resource shares one storage.
      const pv = isRecord(g.preferredVersion) ? g.preferredVersion.version : undefined;
      const first = Array.isArray(g.versions) && isRecord(g.versions[0]) ? g.versions[0].version : undefined;
      const version = typeof pv === 'string' ? pv : typeof first === 'string' ? first : undefined;
      if (version) groupVersions.push({ group: g.name, version });
    }
  } catch (err) {
    failures.set('/apis', (err as Error).message);
  }
  const lists = await Promise.all(
    groupVersions.map(async (gv) => {
      const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
      try {
        const doc = await client.json<{ resources?: unknown }>('GET', path);
        return { gv, resources: Array.isArray(doc.resources) ? (doc.resources as APIResource[]) : [] };
      } catch (err) {
        failures.set(gv.group ? `${gv.group}/${gv.version}` : gv.version, (err as Error).message);
        return { gv, resources: [] as APIResource[] };
      }
    }),
  );
  const resources: DeletableResource[] = [];
  for (const { gv, resources: rs } of lists) {
    for (const r of rs) {
      if (typeof r.name !== 'string' || r.name.includes('/') || r.namespaced !== true) continue;
      const verbs = Array.isArray(r.verbs) ? r.verbs : [];
      if (!verbs.includes('list') || !(verbs.includes('delete') || verbs.includes('deletecollection'))) continue;
      resources.push({ group: gv.group, version: gv.version, resource: r.name, deleteCollection: verbs.includes('deletecollection') });
    }
  }
  return { resources, failures };
}
