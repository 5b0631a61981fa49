// What each subresource answers with and which verbs it serves, as kube-apiserver
// advertises them. Both discovery formats and the OpenAPI paths read this table.

import { allVerbs, type ResourceType } from '../../api/resources.js';

export interface GroupVersionKindRef {
  /** '' with version '' means "the group-version of the parent resource", as discovery writes it. */
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceInfo {
  name: string;
  verbs: string[];
  /** The kind of the response body. */
  kind: GroupVersionKindRef;
}

const readWrite = ['get', 'patch', 'update'];
const connect = ['create', 'get'];
const proxyVerbs = ['create', 'delete', 'get', 'patch', 'update'];
const same = (kind: string): GroupVersionKindRef => ({ group: '', version: '', kind });

/** Verbs of the resource itself; review kinds serve only create. */
export function verbsOf(r: ResourceType): string[] {
  const v = (r as { verbs?: string[] }).verbs;
  return [...(v ?? allVerbs)].sort();
}

/** The subresources of a resource, sorted by name, as discovery lists them. */
export function subresourcesOf(r: ResourceType): SubresourceInfo[] {
  const out: SubresourceInfo[] = [];
  if (r.status) out.push({ name: 'status', verbs: readWrite, kind: same(r.kind) });
  if (r.scale) out.push({ name: 'scale', verbs: readWrite, kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } });
  for (const name of r.subresources) out.push({ name, ...extraSubresource(r, name) });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function extraSubresource(r: ResourceType, name: string): Omit<SubresourceInfo, 'name'> {
  switch (name) {
    case 'binding': return { verbs: ['create'], kind: same('Binding') };
    case 'eviction': return { verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } };
    case 'log': return { verbs: ['get'], kind: same(r.kind) };
    case 'exec': return { verbs: connect, kind: same('PodExecOptions') };
    case 'attach': return { verbs: connect, kind: same('PodAttachOptions') };
    case 'portforward': return { verbs: connect, kind: same('PodPortForwardOptions') };
    case 'proxy': return { verbs: proxyVerbs, kind: same(`${r.kind}ProxyOptions`) };
    case 'ephemeralcontainers':
    case 'resize':
      return { verbs: readWrite, kind: same(r.kind) };
    case 'token': return { verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } };
    case 'finalize': return { verbs: ['update'], kind: same(r.kind) };
    case 'approval': return { verbs: readWrite, kind: same(r.kind) };
    default: return { verbs: ['get'], kind: same(r.kind) };
  }
}
