// A canonical form of JSON values, for comparing and hashing pod templates. Kubernetes
// compares templates with apimachinery's semantic DeepEqual (a nil and an empty list or
// map are the same) and hashes the Go struct; here absent, null, [] and {} all mean
// "unset", and object keys are sorted, so the same template gives the same text however
// it travelled (kubectl, a patch, a watch event).

export function canonicalJson(v: unknown): string {
  return JSON.stringify(normalize(v)) ?? '';
}

function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    // An unset element keeps its place (lists are ordered), as null.
    const items = v.map((x) => normalize(x) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const n = normalize((v as Record<string, unknown>)[k]);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

/** True when a and b are the same once unset fields are dropped (semantic equality). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
