// The unaggregated discovery documents: /api (APIVersions), /apis (APIGroupList),
// /apis/<group> (APIGroup) and /api/v1, /apis/<group>/<version> (APIResourceList).
// Pure functions of the registry, so the server can build them once and cache the bytes.

import { groupVersion, type ResourceRegistry, type ResourceType } from '../../api/resources.js';
import { storageVersionHashOf, isStored } from './storage-version-hash.js';
import { subresourcesOf, verbsOf } from './subresources.js';

export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind?: 'APIGroup';
  apiVersion?: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  /** Only when it differs from the list's group-version (scale, eviction). */
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/** GET /api. `serverAddress` is host:port clients should use (Kubernetes advertises its own). */
export function apiVersions(registry: ResourceRegistry, serverAddress: string): APIVersions {
  const core = registry.groups().find((g) => g.group === '');
  return {
    kind: 'APIVersions',
    versions: core?.versions ?? ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(g: { group: string; versions: string[]; preferred: string }): APIGroup {
  const gv = (version: string): GroupVersionForDiscovery => ({ groupVersion: groupVersion(g.group, version), version });
  return { name: g.group, versions: g.versions.map(gv), preferredVersion: gv(g.preferred) };
}

/** GET /apis: every named group (the core group is served at /api instead). */
export function apiGroupList(registry: ResourceRegistry): APIGroupList {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().filter((g) => g.group !== '').map(groupDoc),
  };
}

/** GET /apis/<group>, or undefined when the group is not served (404). */
export function apiGroup(registry: ResourceRegistry, group: string): APIGroup | undefined {
  const g = registry.groups().find((x) => x.group === group && group !== '');
  return g === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) };
}

/** GET /api/v1 or /apis/<group>/<version>, or undefined when not served (404). */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): APIResourceList | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const resources: APIResource[] = [];
  for (const r of [...types].sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push(mainResource(r));
    for (const s of subresourcesOf(r)) {
      const res: APIResource = { name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind.kind, verbs: [...s.verbs] };
      if (s.kind.group !== '' || s.kind.version !== '') Object.assign(res, { group: s.kind.group, version: s.kind.version });
      resources.push(sortKeys(res));
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

function mainResource(r: ResourceType): APIResource {
  const res: APIResource = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: verbsOf(r) };
  if (r.shortNames.length > 0) res.shortNames = [...r.shortNames];
  if (r.categories.length > 0) res.categories = [...r.categories];
  if (isStored(r)) res.storageVersionHash = storageVersionHashOf(r);
  return res;
}

/** Field order as kube-apiserver writes it, so the JSON reads the same. */
function sortKeys(r: APIResource): APIResource {
  const { name, singularName, namespaced, group, version, kind, verbs } = r;
  const out: APIResource = { name, singularName, namespaced, kind, verbs };
  return group === undefined ? out : { name, singularName, namespaced, group, version, kind, verbs };
}
