// WATCH of any resource: a chunked stream of JSON event lines from the watch cache.

import { errors } from '../errors.js';
import type { KObject } from '../kobject.js';
import { parseResourceVersion } from '../registry/object-store.js';
import type { ObjectPredicate } from '../seams.js';
import { TooOldResourceVersionError, type Delivery, type DeliveryBatch, type Trigger, type WatchRegistration, type WatchSink } from '../watch-cache.js';
import { toServed, warningHeaders, type RequestScope, type ServerContext } from './context.js';
import { requestFilter } from './read.js';
import { table } from './render.js';
import { WatchStream } from './watch-stream.js';
import { queryFlag } from '../../api/query-params.js';

/** Pods watched by node (kubelets) are offered only their node's events. */
function watchTrigger(ctx: ServerContext, scope: RequestScope): Trigger | undefined {
  const fs = scope.query.get('fieldSelector');
  if (!fs || scope.r.group !== '' || scope.r.kind !== 'Pod') return undefined;
  const node = ctx.seams.selectors.exactField(fs, 'spec.nodeName');
  return node === undefined ? undefined : { index: 'spec.nodeName', value: node };
}

/** The watch's filter, or undefined when it wants every object (such watchers share their bytes). */
function watchFilter(ctx: ServerContext, scope: RequestScope): ObjectPredicate | undefined {
  const { r, info, query } = scope;
  const hasSelector = !!query.get('labelSelector') || !!query.get('fieldSelector') || !!info.name;
  const ns = info.namespace && r.namespaced ? info.namespace : undefined;
  if (!hasSelector && ns === undefined) return undefined;
  const filter = requestFilter(ctx, scope);
  return ns !== undefined ? (o) => o.metadata.namespace === ns && filter(o) : filter;
}

/** Watch streams stop being fed past this much unsent output: the client will relist. */
const maxBufferedBytes = 8 * 1024 * 1024;

export async function handleWatch(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, query, res, req } = scope;
  const filter = watchFilter(ctx, scope);
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = queryFlag(query, 'sendInitialEvents');
  const bookmarks = queryFlag(query, 'allowWatchBookmarks');
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
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '') || 1800 + Math.floor(Math.random() * 1800);

  res.writeHead(200, { 'Content-Type': scope.out.yaml ? 'application/yaml' : 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache', ...warningHeaders(scope) });
  res.flushHeaders();
  const stream = new WatchStream(res);

  const servedVersion = `${r.group ? r.group + '/' : ''}${r.version}`;
  const plainJson = scope.out.view === 'object';
  let sentColumns = false;
  const line = (d: Delivery): Buffer => {
    const obj = d.event.entry.obj;
    if (scope.out.view === 'table') {
      const t = table(ctx, scope, [obj], { resourceVersion: obj.metadata.resourceVersion }, !sentColumns);
      sentColumns = true;
      return Buffer.from(`{"type":"${d.type}","object":${JSON.stringify(t)}}\n`);
    }
    if (scope.out.view === 'metadata') {
      return Buffer.from(`{"type":"${d.type}","object":${JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${scope.out.viewVersion}`, metadata: obj.metadata })}}\n`);
    }
    if (obj.apiVersion !== servedVersion) return Buffer.from(`{"type":"${d.type}","object":${JSON.stringify(toServed(ctx, r, obj))}}\n`);
    return d.event.line(d.type);
  };
  const shareable = (batch: DeliveryBatch): boolean => plainJson && batch.items.every((d) => d.event.entry.obj.apiVersion === servedVersion);

  let closed = false;
  let registration: WatchRegistration | undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    if (closed) return;
    closed = true;
    registration?.stop();
    for (const t of timers) clearInterval(t);
    stream.end();
  };
  const sink: WatchSink = {
    deliver(batch) {
      if (closed) return true;
      // One write per batch: a committed batch of many events costs one TLS record, not many.
      if (shareable(batch)) stream.writeFramed(batch.jsonChunk(), () => Buffer.concat(batch.items.map((d) => d.event.line(d.type))));
      else stream.writeLines(batch.items.map(line));
      return stream.buffered < maxBufferedBytes;
    },
    close: finish,
  };
  const bookmark = (rev: number, annotations?: Record<string, string>): void => {
    if (closed) return;
    const metadata: Record<string, unknown> = { resourceVersion: String(rev) };
    if (annotations) metadata.annotations = annotations;
    const obj: KObject = { kind: r.kind, apiVersion: servedVersion, metadata };
    stream.writeLines([Buffer.from(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`)]);
  };
  try {
    registration = ctx.cache.watch(r.storageResource, fromRev, filter, sink, watchTrigger(ctx, scope));
  } catch (err) {
    if (err instanceof TooOldResourceVersionError) {
      const status = errors.resourceExpired(err.message).toStatus();
      closed = true;
      stream.end(Buffer.from(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`));
      return;
    }
    throw err;
  }
  const reg = registration;
  if (closed) return;
  if (sendInitial) bookmark(reg.bookmarkRevision(), { 'k8s.io/initial-events-end': 'true' });
  // A bookmark names only a revision whose events this watcher has been sent.
  if (bookmarks) timers.push(setInterval(() => bookmark(reg.bookmarkRevision()), 15_000));
  timers.push(setTimeout(finish, timeoutSeconds * 1000));
  req.on('close', finish);
  res.on('error', finish);
}
