// How each subresource appears in the OpenAPI paths: its HTTP methods, whether it is a
// "connect" stream (exec, attach, port-forward, proxy) or a plain object endpoint, the
// kind of its body, and its query parameters.

import type { ResourceType } from '../resources.js';
import type { GroupVersionKind } from '../schema/types.js';
import type { HttpMethod } from './operations.js';
import { queryParams, type ParamName } from './parameters.js';

export interface SubOp {
  name: string;
  methods: HttpMethod[];
  /** Streams and proxies: action "connect", response text. */
  connect: boolean;
  /** The response is text (logs, streams), not an object. */
  textResponse: boolean;
  /** Also served with a trailing /{path} (proxy). */
  withPath: boolean;
  /** Kind of the body; group and version '' mean the parent's. */
  kind: GroupVersionKind;
  query: ParamName[];
}

const objectRW: HttpMethod[] = ['get', 'put', 'patch'];
const here = (kind: string): GroupVersionKind => ({ group: '', version: '', kind });

function describeSub(r: ResourceType, name: string): SubOp {
  const plain = { connect: false, textResponse: false, withPath: false, query: [] as ParamName[] };
  const stream = { connect: true, textResponse: true, withPath: false };
  switch (name) {
    case 'status':
    case 'ephemeralcontainers':
    case 'resize':
    case 'approval':
      return { name, methods: objectRW, kind: here(r.kind), ...plain };
    case 'scale': return { name, methods: objectRW, kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, ...plain };
    case 'finalize': return { name, methods: ['put'], kind: here(r.kind), ...plain };
    case 'binding': return { name, methods: ['post'], kind: here('Binding'), ...plain };
    case 'eviction': return { name, methods: ['post'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, ...plain };
    case 'token': return { name, methods: ['post'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, ...plain };
    case 'log': return { name, methods: ['get'], connect: false, textResponse: true, withPath: false, kind: here(r.kind), query: queryParams.log };
    case 'exec': return { name, methods: ['get', 'post'], kind: here('PodExecOptions'), ...stream, query: queryParams.exec };
    case 'attach': return { name, methods: ['get', 'post'], kind: here('PodAttachOptions'), ...stream, query: queryParams.attach };
    case 'portforward': return { name, methods: ['get', 'post'], kind: here('PodPortForwardOptions'), ...stream, query: ['ports'] };
    case 'proxy':
      return { name, methods: ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'], kind: here(`${r.kind}ProxyOptions`), ...stream, withPath: true, query: ['path'] };
    default:
      return { name, methods: ['get'], kind: here(r.kind), ...plain };
  }
}

/** The subresources of a resource, status and scale first, as OpenAPI paths present them. */
export function subresourceOps(r: ResourceType): SubOp[] {
  const names = [...(r.status ? ['status'] : []), ...(r.scale ? ['scale'] : []), ...r.subresources];
  return names.map((n) => describeSub(r, n));
}

/** The body kind with the parent's group-version filled in. */
export function bodyKindOf(r: ResourceType, sub: SubOp): GroupVersionKind {
  return sub.kind.group === '' && sub.kind.version === '' ? { group: r.group, version: r.version, kind: sub.kind.kind } : sub.kind;
}
