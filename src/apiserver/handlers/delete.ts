// DELETE of one object and of a collection.

import { errors } from '../errors.js';
import { bodyFormat, decode, readBody } from '../http/body.js';
import { sendBody } from '../http/negotiate.js';
import { isObject, type KObject } from '../kobject.js';
import type { DeleteOptions } from '../registry/object-store.js';
import { toServed, warningHeaders, type RequestScope, type ServerContext } from './context.js';
import { requestFilter } from './read.js';
import { objectBody } from './render.js';
import { queryOptionalFlag } from '../../api/query-params.js';

interface ParsedDelete {
  options: DeleteOptions;
  dryRun: boolean;
}

/** DeleteOptions come in the body (kubectl) or the query string (curl, some clients). */
async function readDeleteOptions(scope: RequestScope): Promise<ParsedDelete> {
  const body = await readBody(scope.req);
  let o: Record<string, unknown> = {};
  if (body.length > 0) {
    const format = bodyFormat(scope.req.headers['content-type']);
    if (!format) throw errors.unsupportedMediaType(scope.req.headers['content-type'] ?? '');
    const parsed = decode(body, format);
    if (parsed !== null && !isObject(parsed)) throw errors.badRequest('DeleteOptions must be an object');
    o = parsed ?? {};
  }
  const q = scope.query;
  const grace = o.gracePeriodSeconds ?? (q.has('gracePeriodSeconds') ? Number(q.get('gracePeriodSeconds')) : undefined);
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace))) throw errors.badRequest('gracePeriodSeconds must be an integer');
  let policy = (o.propagationPolicy ?? q.get('propagationPolicy') ?? undefined) as string | undefined;
  const orphan = o.orphanDependents ?? queryOptionalFlag(q, 'orphanDependents');
  if (policy === undefined && orphan !== undefined) policy = orphan ? 'Orphan' : 'Background';
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.badRequest(`propagationPolicy must be one of Orphan, Background or Foreground, not ${JSON.stringify(policy)}`);
  }
  const dry = [...(Array.isArray(o.dryRun) ? (o.dryRun as string[]) : []), ...q.getAll('dryRun')];
  for (const d of dry) if (d !== 'All') throw errors.badRequest(`Invalid dry run value: ${JSON.stringify(d)}`);
  const pre = isObject(o.preconditions) ? o.preconditions : undefined;
  return {
    options: {
      gracePeriodSeconds: grace as number | undefined,
      propagationPolicy: policy as DeleteOptions['propagationPolicy'],
      preconditions: pre ? { uid: pre.uid as string | undefined, resourceVersion: pre.resourceVersion as string | undefined } : undefined,
    },
    dryRun: dry.length > 0,
  };
}

function successStatus(scope: RequestScope, obj: KObject): Record<string, unknown> {
  const { r } = scope;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, ...(r.group ? { group: r.group } : {}), kind: r.plural, uid: obj.metadata.uid },
  };
}

export async function handleDelete(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info } = scope;
  const { options, dryRun } = await readDeleteOptions(scope);
  const { obj, deleted } = await ctx.objects.delete(r, info.namespace, info.name as string, options, { user: scope.user, dryRun });
  // Kubernetes answers an immediate delete with a Status, except for kinds (pods) that
  // return the deleted object; an object left waiting for its finalizers or grace
  // period comes back as it now is.
  const returnsObject = !deleted || (r.group === '' && r.kind === 'Pod');
  const body = returnsObject ? objectBody(ctx, scope, { obj: toServed(ctx, r, obj) }) : successStatus(scope, obj);
  sendBody(scope.res, 200, body, scope.out.yaml, warningHeaders(scope));
}

export async function handleDeleteCollection(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info } = scope;
  const { options, dryRun } = await readDeleteOptions(scope);
  const filter = requestFilter(ctx, scope);
  const { items } = await ctx.objects.list(r, info.namespace, { filter });
  const out: KObject[] = [];
  for (const e of items) {
    try {
      const { obj } = await ctx.objects.delete(r, e.obj.metadata.namespace, e.obj.metadata.name as string, options, { user: scope.user, dryRun });
      out.push(toServed(ctx, r, obj));
    } catch (err) {
      if (!(isObject(err) && (err as { code?: unknown }).code === 404)) throw err;
    }
  }
  sendBody(scope.res, 200, { kind: r.listKind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: { resourceVersion: String(ctx.cache.currentRevision()) }, items: out }, scope.out.yaml, warningHeaders(scope));
}
