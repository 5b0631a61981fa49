// Parses a request path into what it addresses, as kube-apiserver's RequestInfo does:
// which group/version/resource, namespace, name and subresource, and which verb.

import { queryFlag } from '../api/query-params.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  group: string;
  version: string;
  namespace?: string;
  /** Plural resource name, e.g. 'pods'. */
  resource: string;
  name?: string;
  subresource?: string;
  verb: Verb;
}

const namespaceSubresources = new Set(['status', 'finalize']);
const methodVerbs: Record<string, Verb | undefined> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/**
 * Returns undefined for paths that are not resource requests (discovery, /version, ...).
 * `/api/v1/namespaces/x` addresses the namespace x itself; `/api/v1/namespaces/x/pods`
 * addresses pods in x.
 */
export function parseResourcePath(method: string, path: string, query: URLSearchParams): ResourceRequest | undefined {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  // `/namespaces/x/status` and `/namespaces/x/finalize` are subresources of the
  // namespace x; anything else after `/namespaces/x/` is a resource inside it.
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresources.has(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  // Only `proxy` subresources carry a path of their own (nodes/NAME/proxy/metrics).
  if (rest.length === 0 || (rest.length > 3 && rest[2] !== 'proxy')) return undefined;
  const [resource, name, subresource] = rest;

  const isWatch = legacyWatch || queryFlag(query, 'watch');
  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name === undefined ? (isWatch ? 'watch' : 'list') : isWatch ? 'watch' : 'get';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default: {
      const v = methodVerbs[method];
      if (v === undefined) return undefined;
      verb = v;
    }
  }
  return { group, version, namespace, resource, name, subresource, verb };
}
