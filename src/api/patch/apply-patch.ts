// One entry point for PATCH bodies by content type. Server-side apply
// (application/apply-patch+yaml) is not a patch of the object but a configuration with
// ownership, so it lives in ../apply; this only names it.
import { PatchError } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { isObject, type JsonObject, type JsonValue } from './json.js';
import { applyMergePatch } from './merge-patch.js';
import type { SchemaContext } from './schema-walk.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const contentTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The patch type of a Content-Type header (parameters ignored); undefined means 415. */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return contentTypes[base];
}

/** The media types to list in a 415 answer and in discovery's patch verbs. */
export const patchContentTypes = Object.keys(contentTypes);

/**
 * Applies a JSON, merge or strategic merge patch to an object. Strategic merge needs the
 * object's schema: kube-apiserver refuses it (415) for custom resources, which callers
 * decide before calling; without a schema it degrades to merge-patch-like rules.
 */
export function applyPatch(type: Exclude<PatchType, 'apply'>, live: JsonObject, body: unknown, ctx?: SchemaContext): JsonObject {
  let out: JsonValue;
  switch (type) {
    case 'json':
      out = applyJsonPatch(live, body);
      break;
    case 'merge':
      // kube-apiserver's merge patch library refuses a body that is not an object.
      if (!isObject(body)) throw new PatchError('Invalid JSON Patch', { status: 400, code: 'bad-document' });
      out = applyMergePatch(live, body);
      break;
    case 'strategic':
      out = applyStrategicMergePatch(live, body, ctx);
      break;
  }
  if (!isObject(out)) throw new PatchError('the patched document is not a JSON object', { status: 422, code: 'not-an-object' });
  return out;
}
