// Turning stored objects into response bodies in the view the client asked for:
// the object itself, a Table of printed columns, or metadata only.

import type { ResourceType } from '../../api/resources.js';
import { apiVersionOf } from '../../api/resources.js';
import type { KObject } from '../kobject.js';
import type { CacheEntry } from '../watch-cache.js';
import { toServed, type RequestScope, type ServerContext } from './context.js';

export function partialMetadata(obj: KObject, viewVersion: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${viewVersion}`, metadata: obj.metadata };
}

function tableRows(ctx: ServerContext, scope: RequestScope, objs: KObject[]): Record<string, unknown>[] {
  const include = scope.query.get('includeObject') ?? 'Metadata';
  const now = ctx.now();
  return objs.map((obj) => {
    const served = toServed(ctx, scope.r, obj);
    const row: Record<string, unknown> = { cells: ctx.seams.tables.row(scope.r, served, now) };
    const conditions = ctx.seams.tables.rowConditions(scope.r, served);
    if (conditions.length > 0) row.conditions = conditions;
    if (include === 'Object') row.object = served;
    else if (include !== 'None') row.object = partialMetadata(obj, scope.out.viewVersion);
    return row;
  });
}

export function table(ctx: ServerContext, scope: RequestScope, objs: KObject[], listMeta: Record<string, unknown>, withColumns = true): Record<string, unknown> {
  const t: Record<string, unknown> = { kind: 'Table', apiVersion: `meta.k8s.io/${scope.out.viewVersion}`, metadata: listMeta };
  if (withColumns) t.columnDefinitions = ctx.seams.tables.columns(scope.r);
  t.rows = tableRows(ctx, scope, objs);
  return t;
}

/** One object's body: its JSON as stored when no conversion is needed, so nothing is re-serialised. */
export function objectBody(ctx: ServerContext, scope: RequestScope, entry: { obj: KObject; bytes?: Buffer }): Buffer | object {
  switch (scope.out.view) {
    case 'table':
      return table(ctx, scope, [entry.obj], { resourceVersion: entry.obj.metadata.resourceVersion });
    case 'metadata':
      return partialMetadata(entry.obj, scope.out.viewVersion);
    default:
      if (entry.bytes !== undefined && entry.obj.apiVersion === apiVersionOf(scope.r)) return entry.bytes;
      return toServed(ctx, scope.r, entry.obj);
  }
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function listBody(ctx: ServerContext, scope: RequestScope, items: CacheEntry[], meta: ListMeta): string | object {
  const r: ResourceType = scope.r;
  const listMeta: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) listMeta.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) listMeta.remainingItemCount = meta.remainingItemCount;
  switch (scope.out.view) {
    case 'table':
      return table(ctx, scope, items.map((e) => e.obj), listMeta);
    case 'metadata':
      return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${scope.out.viewVersion}`, metadata: listMeta, items: items.map((e) => partialMetadata(e.obj, scope.out.viewVersion)) };
    default: {
      const apiVersion = apiVersionOf(r);
      const parts = items.map((e) => (e.obj.apiVersion === apiVersion ? e.json : JSON.stringify(toServed(ctx, r, e.obj))));
      // Only YAML comes this way (JSON lists are assembled from bytes in list-body.ts).
      return `{"kind":${JSON.stringify(r.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(listMeta)},"items":[${parts.join(',')}]}`;
    }
  }
}
