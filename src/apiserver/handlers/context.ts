// What every resource handler works with: the request, who sent it, what it addresses,
// and the server's collaborators.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceRegistry, ResourceType } from '../../api/resources.js';
import { apiVersionOf } from '../../api/resources.js';
import type { KObject } from '../kobject.js';
import type { Negotiated } from '../http/negotiate.js';
import type { UserInfo } from '../registry/hooks.js';
import type { ObjectStore } from '../registry/object-store.js';
import type { ResourceRequest } from '../request-info.js';
import type { ApiSeams } from '../seams.js';
import type { WatchCache } from '../watch-cache.js';
import type { Authorizer } from './reviews.js';
import type { ServiceAccountTokens } from '../serviceaccount-tokens.js';

export interface ServerContext {
  registry: ResourceRegistry;
  objects: ObjectStore;
  cache: WatchCache;
  seams: ApiSeams;
  authorizer: Authorizer;
  /** Issues service account tokens (serviceaccounts/NAME/token). */
  tokens?: ServiceAccountTokens;
  /** Passes pods/log and nodes/proxy requests on to the node's streaming server. */
  nodeProxy?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  now: () => Date;
}

export interface RequestScope {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  user: UserInfo;
  info: ResourceRequest;
  r: ResourceType;
  out: Negotiated;
  /** Warning headers to send with the response (`299 - "..."`). */
  warnings: string[];
}

/** The object as the client asked for it: converted to the served version when stored in another. */
export function toServed(ctx: ServerContext, r: ResourceType, obj: KObject): KObject {
  const apiVersion = apiVersionOf(r);
  if (obj.apiVersion === apiVersion) return obj;
  return ctx.seams.converter.convert(r, obj, apiVersion);
}

/** The object as it is stored. */
export function toStored(ctx: ServerContext, r: ResourceType, obj: KObject): KObject {
  if (obj.apiVersion === r.storageApiVersion) return obj;
  return ctx.seams.converter.convert(r, obj, r.storageApiVersion);
}

export function warningHeaders(scope: RequestScope): Record<string, string> {
  if (scope.warnings.length === 0) return {};
  return { Warning: scope.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}
