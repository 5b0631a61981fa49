// Boolean query parameters as Kubernetes reads them (its url.Values conversion): present
// means true unless the value is "0" or "false" in any case, so `?watch=True` (what the
// Python client sends), `?watch=1` and `?watch=true` all start a watch.

/** True when the parameter is present and not "0" or "false" (any case). */
export function queryFlag(q: URLSearchParams, name: string): boolean {
  return queryOptionalFlag(q, name) ?? false;
}

/** Like queryFlag, but undefined when the parameter is absent. */
export function queryOptionalFlag(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}
