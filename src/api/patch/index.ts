// PATCH bodies applied to plain JSON objects, as kube-apiserver applies them:
//   patchTypeOf(contentType)                      -> 'json' | 'merge' | 'strategic' | 'apply' | undefined (415)
//   applyPatch(type, live, body, schemaCtx?)      -> new object (inputs untouched)
//   applyJsonPatch / applyMergePatch / applyStrategicMergePatch for one flavour.
// Failures throw PatchError, whose `status` (400, 413 or 422) is the HTTP status to
// answer with; errors.ts explains which failure gets which, following kube-apiserver.
// Server-side apply ('apply') is in ../apply.
export { PatchError, type PatchErrorStatus } from './errors.js';
export { applyJsonPatch, decodeJsonPatch, maxJsonPatchOperations, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge.js';
export { parsePointer, formatPointer } from './json-pointer.js';
export { type SchemaContext } from './schema-walk.js';
export { type JsonValue, type JsonObject, type JsonPrimitive } from './json.js';
export { applyPatch, patchTypeOf, patchContentTypes, type PatchType } from './apply-patch.js';
