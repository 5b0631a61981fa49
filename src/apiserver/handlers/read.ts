// GET and LIST of any resource (WATCH is in watch.ts).

import { errors } from '../errors.js';
import { sendBody } from '../http/negotiate.js';
import type { ObjectPredicate } from '../seams.js';
import { warningHeaders, type RequestScope, type ServerContext } from './context.js';
import { jsonListPieces, sendPieces, tableListPieces } from './list-body.js';
import { listBody, objectBody } from './render.js';

export async function handleGet(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info } = scope;
  const entry = await ctx.objects.get(r, info.namespace, info.name as string);
  sendBody(scope.res, 200, objectBody(ctx, scope, entry), scope.out.yaml, warningHeaders(scope));
}

/** The predicate of a request's labelSelector and fieldSelector (and its namespace). */
export function requestFilter(ctx: ServerContext, scope: RequestScope): ObjectPredicate {
  const preds: ObjectPredicate[] = [];
  const ls = scope.query.get('labelSelector');
  if (ls) preds.push(ctx.seams.selectors.labels(ls));
  const fs = scope.query.get('fieldSelector');
  if (fs) preds.push(ctx.seams.selectors.fields(scope.r, fs));
  if (scope.info.verb === 'watch' && scope.info.name) {
    const name = scope.info.name;
    preds.push((o) => o.metadata.name === name);
  }
  if (preds.length === 0) return () => true;
  return (o) => preds.every((p) => p(o));
}

function positiveInt(scope: RequestScope, param: string): number | undefined {
  const v = scope.query.get(param);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid value for ${param}: ${JSON.stringify(v)}`);
  return n;
}

export async function handleList(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, query } = scope;
  const filter = requestFilter(ctx, scope);
  const result = await ctx.objects.list(r, info.namespace, {
    filter,
    limit: positiveInt(scope, 'limit'),
    continueToken: query.get('continue') ?? undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
  });
  const meta = { resourceVersion: result.resourceVersion, continue: result.continueToken, remainingItemCount: result.remainingItemCount };
  // JSON objects and Tables are assembled from the cache's serialised bytes; YAML and metadata views are built as objects.
  if (!scope.out.yaml && scope.out.view === 'object') return sendPieces(scope, jsonListPieces(ctx, scope, result.items, meta));
  if (!scope.out.yaml && scope.out.view === 'table') return sendPieces(scope, tableListPieces(ctx, scope, result.items, meta));
  sendBody(scope.res, 200, listBody(ctx, scope, result.items, meta), scope.out.yaml, warningHeaders(scope));
}
