// CREATE, UPDATE (PUT), PATCH and server-side apply of any resource.

import { apiVersionOf } from '../../api/resources.js';
import { errors } from '../errors.js';
import { bodyFormat, decode, mediaType, readBody } from '../http/body.js';
import { sendBody } from '../http/negotiate.js';
import { isObject, type KObject } from '../kobject.js';
import type { PatchType } from '../seams.js';
import { toServed, toStored, warningHeaders, type RequestScope, type ServerContext } from './context.js';
import { objectBody } from './render.js';
import { queryFlag } from '../../api/query-params.js';

/** The body of a create or update, checked against the URL it was sent to. */
export async function readObject(ctx: ServerContext, scope: RequestScope): Promise<KObject> {
  const format = bodyFormat(scope.req.headers['content-type']);
  if (!format || mediaType(scope.req.headers['content-type']) === 'application/apply-patch+yaml') {
    throw errors.unsupportedMediaType(scope.req.headers['content-type'] ?? '');
  }
  const body = await readBody(scope.req);
  const raw = decode(body, format);
  return checkObject(ctx, scope, raw, format === 'json' ? body.toString('utf8') : undefined);
}

/** Checks a whole object sent for create, update or apply; `text` is its JSON, for duplicate-field detection. */
function checkObject(ctx: ServerContext, scope: RequestScope, raw: unknown, text?: string): KObject {
  const { r, info } = scope;
  if (!isObject(raw)) throw errors.badRequest(`the body of the request must be a ${r.kind} object`);
  const apiVersion = apiVersionOf(r);
  if (raw.apiVersion === undefined) raw.apiVersion = apiVersion;
  if (raw.kind === undefined) raw.kind = r.kind;
  if (raw.kind !== r.kind) throw errors.badRequest(`the kind in the data (${String(raw.kind)}) does not match the expected kind (${r.kind})`);
  if (raw.apiVersion !== apiVersion) {
    throw errors.badRequest(`the API version in the data (${String(raw.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (raw.metadata === undefined || raw.metadata === null) raw.metadata = {};
  if (!isObject(raw.metadata)) throw errors.badRequest('metadata must be an object');
  const meta = raw.metadata;
  if (r.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== info.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  checkFields(ctx, scope, raw, { text, wholeObject: true });
  return raw as KObject;
}

/**
 * fieldValidation: Strict refuses unknown and duplicate fields (400), Warn (the default)
 * reports them in Warning headers, Ignore drops the check. A create or update reports
 * it as a decoding failure of the kind; a patch as the strict decoding error alone.
 */
function checkFields(ctx: ServerContext, scope: RequestScope, obj: unknown, how: { text?: string; wholeObject: boolean }): void {
  // A field of the wrong type fails decoding in every mode, before unknown fields count.
  const typeError = ctx.seams.checker.typeError(scope.r, obj);
  if (typeError) throw errors.badRequest(typeError);
  const mode = scope.query.get('fieldValidation') ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') {
    throw errors.badRequest(`fieldValidation must be one of Ignore, Warn or Strict, not ${JSON.stringify(mode)}`);
  }
  if (mode === 'Ignore') return;
  const unknown = ctx.seams.checker.unknownFields(scope.r, obj);
  const duplicates = how.text !== undefined ? ctx.seams.checker.duplicateFields(how.text) : [];
  if (unknown.length === 0 && duplicates.length === 0) return;
  if (mode === 'Strict') {
    throw errors.badRequest(how.wholeObject ? ctx.seams.checker.cannotBeHandled(scope.r, unknown, duplicates) : ctx.seams.checker.strictMessage(unknown, duplicates));
  }
  scope.warnings.push(...ctx.seams.checker.warnings(unknown, duplicates));
}

function isDryRun(scope: RequestScope): boolean {
  const d = scope.query.getAll('dryRun');
  for (const v of d) if (v !== 'All') throw errors.badRequest(`Invalid dry run value: ${JSON.stringify(v)}`);
  return d.length > 0;
}

/** The field manager: the fieldManager parameter, else the client's name from its User-Agent, as Kubernetes does. */
function fieldManager(scope: RequestScope): string {
  const m = scope.query.get('fieldManager');
  if (m) {
    if (m.length > 128) throw errors.badRequest('fieldManager must not be longer than 128 characters');
    return m;
  }
  const ua = scope.req.headers['user-agent'] ?? '';
  return ua.split('/')[0] || 'unknown';
}

export async function handleCreate(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info } = scope;
  if (info.name !== undefined && !info.subresource) throw errors.methodNotAllowed(`POST is not allowed on a named ${r.singular}`);
  const body = await readObject(ctx, scope);
  const stored = toStored(ctx, r, body);
  ctx.seams.fields.track(r, undefined, stored, fieldManager(scope), undefined, ctx.now());
  const created = await ctx.objects.create(r, info.namespace, stored, { user: scope.user, dryRun: isDryRun(scope) });
  const served = toServed(ctx, r, created);
  // The stored JSON (with its resourceVersion) is the response when no conversion intervened.
  sendBody(scope.res, 201, objectBody(ctx, scope, { obj: served, bytes: served === created ? ctx.objects.serialized(created) : undefined }), scope.out.yaml, warningHeaders(scope));
}

export async function handleUpdate(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info } = scope;
  const body = await readObject(ctx, scope);
  const stored = toStored(ctx, r, body);
  if (stored.metadata.name !== undefined && stored.metadata.name !== info.name) {
    throw errors.badRequest(`the name of the object (${stored.metadata.name}) does not match the name on the URL (${info.name})`);
  }
  const manager = fieldManager(scope);
  const { obj, created } = await ctx.objects.update(r, info.namespace, info.name as string, (current) => {
    const next = { ...stored, metadata: { ...stored.metadata } };
    ctx.seams.fields.track(r, current, next, manager, info.subresource, ctx.now());
    return next;
  }, { user: scope.user, dryRun: isDryRun(scope), subresource: info.subresource, allowCreate: false });
  sendBody(scope.res, created ? 201 : 200, objectBody(ctx, scope, { obj: toServed(ctx, r, obj) }), scope.out.yaml, warningHeaders(scope));
}

const patchTypes: Record<string, PatchType | 'apply'> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export async function handlePatch(ctx: ServerContext, scope: RequestScope): Promise<void> {
  const { r, info, req } = scope;
  const type = patchTypes[mediaType(req.headers['content-type'])];
  if (!type) throw errors.unsupportedMediaType(req.headers['content-type'] ?? '');
  const patch = decode(await readBody(req), type === 'apply' ? 'yaml' : 'json');
  if (type === 'json' ? !Array.isArray(patch) : !isObject(patch)) {
    throw errors.badRequest(type === 'json' ? 'json patch must be a list of operations' : 'the patch must be a JSON object');
  }
  const dryRun = isDryRun(scope);
  const manager = fieldManager(scope);
  const now = ctx.now();
  if (type === 'apply') {
    if (!scope.query.get('fieldManager')) throw errors.badRequest('PATCH with apply requires the fieldManager parameter');
    const applied = checkObject(ctx, scope, patch);
    const force = queryFlag(scope.query, 'force');
    const { obj, created } = await ctx.objects.update(r, info.namespace, info.name as string, (current) => {
      const live = current ? toServed(ctx, r, current) : undefined;
      const next = ctx.seams.fields.apply(r, live, applied, manager, force, now);
      // Only a resourceVersion in the applied configuration is a precondition; otherwise a
      // lost race is retried on the newer object.
      if (applied.metadata.resourceVersion) next.metadata.resourceVersion = applied.metadata.resourceVersion;
      else delete next.metadata.resourceVersion;
      return toStored(ctx, r, next);
    }, { user: scope.user, dryRun, subresource: info.subresource, allowCreate: !info.subresource });
    sendBody(scope.res, created ? 201 : 200, objectBody(ctx, scope, { obj: toServed(ctx, r, obj) }), scope.out.yaml, warningHeaders(scope));
    return;
  }
  if (scope.query.has('force')) throw errors.badRequest('force is only allowed for apply patches');
  const { obj } = await ctx.objects.update(r, info.namespace, info.name as string, (current) => {
    if (!current) throw errors.notFound(r.group, r.plural, info.name as string);
    const served = toServed(ctx, r, current);
    const patched = ctx.seams.patcher.patch(r, type, served, patch);
    if (!isObject(patched) || !isObject(patched.metadata)) throw errors.badRequest('the patch produced an object without metadata');
    if (patched.apiVersion !== served.apiVersion || patched.kind !== served.kind) throw errors.badRequest('the patch must not change apiVersion or kind');
    checkFields(ctx, scope, patched, { wholeObject: false });
    // Only a resourceVersion the patch itself sets is a precondition (409 when stale);
    // otherwise a lost race is retried on the newer object, as kube-apiserver does.
    if (!patchNamesResourceVersion(type, patch)) delete patched.metadata.resourceVersion;
    const stored = toStored(ctx, r, patched);
    ctx.seams.fields.track(r, current, stored, manager, info.subresource, now);
    return stored;
  }, { user: scope.user, dryRun, subresource: info.subresource });
  sendBody(scope.res, 200, objectBody(ctx, scope, { obj: toServed(ctx, r, obj) }), scope.out.yaml, warningHeaders(scope));
}

/** Whether a patch sets metadata.resourceVersion (merge and strategic) or touches it (JSON patch). */
function patchNamesResourceVersion(type: PatchType, patch: unknown): boolean {
  if (type === 'json') return Array.isArray(patch) && patch.some((op) => isObject(op) && op.path === '/metadata/resourceVersion');
  return isObject(patch) && isObject(patch.metadata) && patch.metadata.resourceVersion !== undefined && patch.metadata.resourceVersion !== null;
}
