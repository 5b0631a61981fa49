// RFC 7386 JSON merge patch: objects merge key by key, null deletes a key, anything else
// (arrays included) replaces the target wholesale.
import { clone, getOwn, isObject, setOwn, type JsonObject, type JsonValue } from './json.js';

export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setOwn(out, key, applyMergePatch(getOwn(out, key), value));
  }
  return out;
}
