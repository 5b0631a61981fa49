// Narrow readers over untyped JSON. Validation and defaulting see objects exactly as
// they arrived on the wire, so every read must tolerate a missing or wrongly typed field.

export type JsonObject = Record<string, unknown>;

export function isObj(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `o[k]`, or undefined when absent or not an object. */
export function obj(o: unknown, k: string): JsonObject | undefined {
  if (!isObj(o)) return undefined;
  const v = o[k];
  return isObj(v) ? v : undefined;
}

/** The object at `o[k]`, created (and stored) when absent. */
export function ensureObj(o: JsonObject, k: string): JsonObject {
  const v = o[k];
  if (isObj(v)) return v;
  const created: JsonObject = {};
  o[k] = created;
  return created;
}

export function arr(o: unknown, k: string): unknown[] {
  if (!isObj(o)) return [];
  const v = o[k];
  return Array.isArray(v) ? v : [];
}

/** The objects of the array at `o[k]`, skipping anything that is not an object. */
export function objs(o: unknown, k: string): JsonObject[] {
  return arr(o, k).filter(isObj);
}

export function str(o: unknown, k: string): string {
  if (!isObj(o)) return '';
  const v = o[k];
  return typeof v === 'string' ? v : '';
}

export function num(o: unknown, k: string): number | undefined {
  if (!isObj(o)) return undefined;
  const v = o[k];
  return typeof v === 'number' ? v : undefined;
}

export function bool(o: unknown, k: string): boolean | undefined {
  if (!isObj(o)) return undefined;
  const v = o[k];
  return typeof v === 'boolean' ? v : undefined;
}

/** A map of strings (labels, annotations, selectors); non-string values are skipped. */
export function strMap(o: unknown, k: string): Record<string, string> {
  const m = obj(o, k);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const [key, v] of Object.entries(m)) if (typeof v === 'string') out[key] = v;
  return out;
}

export function has(o: unknown, k: string): boolean {
  return isObj(o) && o[k] !== undefined && o[k] !== null;
}

/**
 * Structural equality of plain JSON values (key order does not matter). As in
 * Kubernetes' semantic equality, an empty list equals an absent one, and a field set
 * to null equals an absent field.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isAbsent(a) && isAbsent(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}
