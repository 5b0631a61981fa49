// GET, LIST and WATCH of any resource.

import { errors } from '../errors.js';
import type { KObject } from '../kobject.js';
import { sendBody } from '../http/negotiate.js';
import { listPrefix } from '../registry/keys.js';
import { parseResourceVersion } from '../registry/object-store.js';
import type { ObjectPredicate } from '../seams.js';
import { TooOldResourceVersionError, type Delivery, type Trigger, type WatchSink } from '../watch-cache.js';
import { toServed, warningHeaders, type RequestScope, type ServerContext } from './context.js';
import { listBody, objectBody, table } from './render.js';

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
  const body = listBody(ctx, scope, result.items, { resourceVersion: result.resourceVersion, continue: result.continueToken, remainingItemCount: result.remainingItemCount });
  sendBody(scope.res, 200, body, scope.out.yaml, warningHeaders(scope));
}

/** Pods watched by node (kubelets) are offered only their node's events. */
function watchTrigger(ctx: ServerContext, scope: RequestScope): Trigger | undefined {
  const fs = scope.query.get('fieldSelector');
  if (!fs || scope.r.group !== '' || scope.r.kind !== 'Pod') return undefined;
  const node = ctx.seams.selectors.exactField(fs, 'spec.nodeName');
  return node === undefined ? undefined : { index: 'spec.nodeName', value: node };
}

/** Watch streams stop being fed past this much unsent output: the client will relist. */
const maxBufferedBytes = 8 * 1024 * 1024;

export async function handleWatch(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, query, res, req } = scope;
  const filter = requestFilter(ctx, scope);
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents') === 'true';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  let fromRev: number | undefined;
  if (rvParam !== '' && rvParam !== '0' && !sendInitial) {
    fromRev = parseResourceVersion(rvParam);
    try {
      await ctx.cache.waitFor(fromRev);
    } catch {
      throw errors.timeout(`Too large resource version: ${fromRev}, current: ${ctx.cache.currentRevision()}`);
    }
  } else {
    await ctx.cache.sync();
  }
  const nsPrefix = info.namespace && r.namespaced ? listPrefix(r, info.namespace) : undefined;
  const fullFilter: ObjectPredicate = nsPrefix ? (o) => o.metadata.namespace === info.namespace && filter(o) : filter;
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '') || 1800 + Math.floor(Math.random() * 1800);

  res.writeHead(200, { 'Content-Type': scope.out.yaml ? 'application/yaml' : 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache', ...warningHeaders(scope) });
  res.flushHeaders();

  let sentColumns = false;
  const line = (d: Delivery): string | Buffer => {
    const obj = d.event.entry.obj;
    if (scope.out.view === 'table') {
      const t = table(ctx, scope, [obj], { resourceVersion: obj.metadata.resourceVersion }, !sentColumns);
      sentColumns = true;
      return `{"type":"${d.type}","object":${JSON.stringify(t)}}\n`;
    }
    if (scope.out.view === 'metadata') {
      return `{"type":"${d.type}","object":${JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${scope.out.viewVersion}`, metadata: obj.metadata })}}\n`;
    }
    if (obj.apiVersion !== `${r.group ? r.group + '/' : ''}${r.version}`) return `{"type":"${d.type}","object":${JSON.stringify(toServed(ctx, r, obj))}}\n`;
    return d.event.line(d.type);
  };
  let closed = false;
  let stop = (): void => {};
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    if (closed) return;
    closed = true;
    stop();
    for (const t of timers) clearInterval(t);
    res.end();
  };
  const sink: WatchSink = {
    deliver(batch) {
      if (closed) return true;
      // One write per batch: a committed batch of many events costs one TLS record, not many.
      res.write(batch.length === 1 ? line(batch[0]) : Buffer.concat(batch.map((d) => { const l = line(d); return typeof l === 'string' ? Buffer.from(l) : l; })));
      return res.writableLength < maxBufferedBytes;
    },
    close: finish,
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    if (closed) return;
    const metadata: Record<string, unknown> = { resourceVersion: String(ctx.cache.currentRevision()) };
    if (annotations) metadata.annotations = annotations;
    const obj: KObject = { kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata };
    res.write(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`);
  };
  try {
    stop = ctx.cache.watch(r.storageResource, fromRev, fullFilter, sink, watchTrigger(ctx, scope));
  } catch (err) {
    if (err instanceof TooOldResourceVersionError) {
      const status = errors.resourceExpired(err.message).toStatus();
      res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      return;
    }
    throw err;
  }
  if (sendInitial) bookmark({ 'k8s.io/initial-events-end': 'true' });
  if (bookmarks) timers.push(setInterval(() => bookmark(), 15_000));
  timers.push(setTimeout(finish, timeoutSeconds * 1000));
  req.on('close', finish);
  res.on('error', finish);
}
