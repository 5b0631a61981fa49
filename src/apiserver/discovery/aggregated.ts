// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1, identical in shape): every
// group, version and resource in one document, so a client needs one request for /api
// and one for /apis instead of one per group-version.
//
// Content negotiation (what kubectl and client-go send to /api and /apis):
//   kubectl 1.27 (client-go 0.27):  Accept: application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json
//   kubectl 1.28+:                  Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
//                                           application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json
// (newer clients may also offer application/vnd.kubernetes.protobuf variants first; a
// JSON-only server skips those entries). The server answers:
//   - the first acceptable aggregated entry it supports, v2 or v2beta1 -> the
//     APIGroupDiscoveryList of that version, with the response header
//     Content-Type: application/json;g=apidiscovery.k8s.io;v=<v>;as=APIGroupDiscoveryList
//     (client-go checks this header, not the body, to decide which format it got);
//   - otherwise (plain application/json, */*, or no Accept) -> the legacy document,
//     APIVersions for /api and APIGroupList for /apis, Content-Type: application/json.
// Responses vary by Accept (send `Vary: Accept`) and carry an ETag so clients can cache.
// /api/v1 and /apis/<g>/<v> are always the legacy APIResourceList.

import { sortVersions, type ResourceRegistry, type ResourceType } from '../../api/resources.js';
import { subresourcesOf, verbsOf, type GroupVersionKindRef } from './subresources.js';

export type DiscoveryVersion = 'v2' | 'v2beta1';

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKindRef;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKindRef;
  scope: 'Cluster' | 'Namespaced';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  metadata: { name?: string };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: `apidiscovery.k8s.io/${DiscoveryVersion}`;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/** The Content-Type of an aggregated document of this version. */
export function aggregatedContentType(version: DiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/**
 * Which aggregated version an Accept header asks for, or undefined for the legacy
 * document. Entries are taken in order (kubectl lists its preference first), skipping
 * q=0 and media types other than JSON.
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryVersion | undefined {
  if (!accept) return undefined;
  for (const entry of accept.split(',')) {
    const [type, ...rest] = entry.split(';').map((s) => s.trim());
    const params = new Map(rest.map((p) => p.split('=', 2) as [string, string]).map(([k, v]) => [k.toLowerCase(), v ?? '']));
    if (params.get('q') === '0') continue;
    const isJson = type === 'application/json';
    if (!params.has('g') && (isJson || type === '*/*' || type === 'application/*')) return undefined;
    if (!isJson || params.get('g') !== 'apidiscovery.k8s.io' || params.get('as') !== 'APIGroupDiscoveryList') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
}

/** The aggregated document of /api ('core') or /apis ('apis'). */
export function aggregatedDiscovery(registry: ResourceRegistry, which: 'core' | 'apis', version: DiscoveryVersion): APIGroupDiscoveryList {
  const groups = registry.groups().filter((g) => (which === 'core' ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.group === '' ? {} : { name: g.group },
      // The preferred version first: clients that pick "the first" get the right one.
      versions: sortVersions(g.versions).map((v) => ({
        version: v,
        resources: registry.inGroupVersion(g.group, v).sort((a, b) => a.plural.localeCompare(b.plural)).map(resourceDiscovery),
        freshness: 'Current' as const,
      })),
    })),
  };
}

function resourceDiscovery(r: ResourceType): APIResourceDiscovery {
  const d: APIResourceDiscovery = {
    resource: r.plural,
    // Spelled out in full: client-go copies these into APIResource.group/version, and
    // other clients read them as given.
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: verbsOf(r),
  };
  if (r.shortNames.length > 0) d.shortNames = [...r.shortNames];
  if (r.categories.length > 0) d.categories = [...r.categories];
  const subs = subresourcesOf(r);
  if (subs.length > 0) d.subresources = subs.map((s) => ({ subresource: s.name, responseKind: inParent(r, s.kind), verbs: [...s.verbs] }));
  return d;
}

function inParent(r: ResourceType, k: GroupVersionKindRef): GroupVersionKindRef {
  return k.group === '' && k.version === '' ? { group: r.group, version: r.version, kind: k.kind } : { ...k };
}
