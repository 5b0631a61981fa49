// Dispatches a resource request to the handler of its verb and subresource.

import { ApiError, errors } from '../errors.js';
import { sendBody } from '../http/negotiate.js';
import { answerReview, type TokenLookup } from './reviews.js';
import type { RequestScope, ServerContext } from './context.js';
import { handleGet, handleList } from './read.js';
import { handleWatch } from './watch.js';
import { handleCreate, handlePatch, handleUpdate, readObject } from './write.js';
import { handleDelete, handleDeleteCollection } from './delete.js';
import { handleEviction } from './eviction.js';
import { handleBinding, handleFinalize, handleScale, handleTokenRequest } from './subresources.js';

export async function handleResource(ctx: ServerContext, scope: RequestScope, lookupToken: TokenLookup): Promise<void> {
  const { r, info } = scope;
  if (!r.verbs.includes('get')) {
    // Review kinds: create only, answered at once.
    if (info.verb !== 'create' || info.name !== undefined) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    const body = await readObject(ctx, scope);
    sendBody(scope.res, 201, answerReview(r, body, scope.user, ctx.authorizer, lookupToken), scope.out.yaml);
    return;
  }
  if (r.namespaced && info.namespace === undefined && info.name !== undefined) throw errors.notFoundPath();
  if (!r.namespaced && info.namespace !== undefined) throw errors.notFoundPath();
  if (r.namespaced && info.namespace === undefined && (info.verb === 'create' || info.verb === 'deletecollection')) throw errors.notFoundPath();

  const sub = info.subresource;
  if (sub !== undefined) {
    if (info.name === undefined) throw errors.notFoundPath();
    if (sub === 'status' && r.status) {
      switch (info.verb) {
        case 'get': return handleGet(ctx, scope);
        case 'update': return handleUpdate(ctx, scope);
        case 'patch': return handlePatch(ctx, scope);
        default: throw errors.methodNotAllowed(`${info.verb} is not supported on ${r.plural}/status`);
      }
    }
    if (sub === 'scale' && r.scale) return handleScale(ctx, scope);
    if (sub === 'binding' && r.kind === 'Pod') return handleBinding(ctx, scope);
    if (sub === 'finalize' && r.kind === 'Namespace') return handleFinalize(ctx, scope);
    if (sub === 'token' && r.kind === 'ServiceAccount') return handleTokenRequest(ctx, scope);
    if (sub === 'eviction' && r.kind === 'Pod') return handleEviction(ctx, scope);
    const viaNode = (r.kind === 'Pod' && ['log', 'exec', 'attach', 'portforward'].includes(sub)) || (r.kind === 'Node' && sub === 'proxy');
    if (viaNode && ctx.nodeProxy) return ctx.nodeProxy(scope.req, scope.res);
    if (r.subresources.includes(sub)) throw new ApiError(503, 'ServiceUnavailable', `${r.plural}/${sub} is not available yet: no node agent serves it`);
    throw errors.notFoundPath();
  }
  switch (info.verb) {
    case 'get': return handleGet(ctx, scope);
    case 'list': return handleList(ctx, scope);
    case 'watch': return handleWatch(ctx, scope);
    case 'create': return handleCreate(ctx, scope);
    case 'update': return handleUpdate(ctx, scope);
    case 'patch': return handlePatch(ctx, scope);
    case 'delete': return handleDelete(ctx, scope);
    case 'deletecollection': return handleDeleteCollection(ctx, scope);
  }
}
