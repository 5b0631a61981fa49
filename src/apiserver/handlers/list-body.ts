// LIST responses built from the bytes the watch cache already holds: the body is the
// concatenation of each object's JSON (serialised once, when it entered the cache), and
// Table rows are serialised one by one around each object's cached metadata, instead of
// building and stringifying one object of 10,000 items. The body is written in slices,
// waiting for the socket to drain between them, so a large list neither doubles the
// memory it takes nor holds the event loop for the whole send.

import type { ServerResponse } from 'node:http';
import { apiVersionOf } from '../../api/resources.js';
import type { CacheEntry } from '../watch-cache.js';
import { toServed, warningHeaders, type RequestScope, type ServerContext } from './context.js';
import type { ListMeta } from './render.js';

/** Bytes per write: large enough that a 15 MB list is a few dozen writes, small enough to interleave. */
const sliceBytes = 256 * 1024;

const comma = Buffer.from(',');
const close = Buffer.from(']}');

function listMetaJson(meta: ListMeta): string {
  const m: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) m.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) m.remainingItemCount = meta.remainingItemCount;
  return JSON.stringify(m);
}

/** The pieces of a JSON list of the items as the client's version serves them. */
export function jsonListPieces(ctx: ServerContext, scope: RequestScope, items: readonly CacheEntry[], meta: ListMeta): Buffer[] {
  const r = scope.r;
  const apiVersion = apiVersionOf(r);
  const pieces: Buffer[] = [Buffer.from(`{"kind":${JSON.stringify(r.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${listMetaJson(meta)},"items":[`)];
  items.forEach((e, i) => {
    if (i > 0) pieces.push(comma);
    pieces.push(e.obj.apiVersion === apiVersion ? e.bytes : Buffer.from(JSON.stringify(toServed(ctx, r, e.obj))));
  });
  pieces.push(close);
  return pieces;
}

/**
 * The pieces of a Table of the items: rows serialised one by one as strings around each
 * object's cached metadata JSON, gathered into slices so each slice is encoded once.
 */
export function tableListPieces(ctx: ServerContext, scope: RequestScope, items: readonly CacheEntry[], meta: ListMeta): Buffer[] {
  const r = scope.r;
  const v = scope.out.viewVersion;
  const include = scope.query.get('includeObject') ?? 'Metadata';
  const apiVersion = apiVersionOf(r);
  const now = ctx.now();
  const pieces: Buffer[] = [];
  let text = `{"kind":"Table","apiVersion":${JSON.stringify(`meta.k8s.io/${v}`)},"metadata":${listMetaJson(meta)},"columnDefinitions":${JSON.stringify(ctx.seams.tables.columns(r))},"rows":[`;
  items.forEach((e, i) => {
    const served = toServed(ctx, r, e.obj);
    text += (i > 0 ? ',' : '') + `{"cells":${JSON.stringify(ctx.seams.tables.row(r, served, now))}`;
    const conditions = ctx.seams.tables.rowConditions(r, served);
    if (conditions.length > 0) text += `,"conditions":${JSON.stringify(conditions)}`;
    if (include === 'Object') {
      pieces.push(Buffer.from(text + ',"object":'), e.obj.apiVersion === apiVersion ? e.bytes : Buffer.from(JSON.stringify(served)));
      text = '}';
    } else {
      if (include !== 'None') text += `,"object":${e.partialMetadata(v)}`;
      text += '}';
      if (text.length >= sliceBytes) {
        pieces.push(Buffer.from(text));
        text = '';
      }
    }
  });
  pieces.push(Buffer.from(text + ']}'));
  return pieces;
}



/** Sends a 200 JSON body made of pieces, with its Content-Length, in slices that wait for the socket to drain. */
export async function sendPieces(scope: RequestScope, pieces: readonly Buffer[]): Promise<void> {
  const res = scope.res;
  let total = 0;
  for (const p of pieces) total += p.length;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': total, ...warningHeaders(scope) });
  let slice: Buffer[] = [];
  let sliceLen = 0;
  for (const p of pieces) {
    slice.push(p);
    sliceLen += p.length;
    if (sliceLen < sliceBytes) continue;
    const ok = res.write(join(slice, sliceLen));
    slice = [];
    sliceLen = 0;
    if (!ok && !(await drained(res))) return;
  }
  res.end(sliceLen > 0 ? join(slice, sliceLen) : undefined);
}

/** Buffer.concat by TypedArray.set, which copies small pieces faster. */
function join(pieces: readonly Buffer[], length: number): Buffer {
  if (pieces.length === 1) return pieces[0];
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Resolves true when the response can take more, false when the client went away. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
    if (res.destroyed) done(false);
  });
}
