export { PatchError, type PatchErrorStatus } from './errors.js';
export { applyJsonPatch, decodeJsonPatch, maxJsonPatchOperations, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge.js';
export { parsePointer, formatPointer } from './json-pointer.js';
export { type SchemaContext } from './schema-walk.js';
export { type JsonValue, type JsonObject, type JsonPrimitive } from './json.js';
export { applyPatch, patchTypeOf, patchContentTypes, type PatchType } from './apply-patch.js';
