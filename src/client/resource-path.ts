// URL paths of the Kubernetes REST API: the core group lives under /api/v1, every other
// group under /apis/<group>/<version>.

export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural resource name, e.g. 'pods'. */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export function resourcePath(ref: ResourceRef): string {
  const seg = encodeURIComponent;
  let p = groupVersionPath(ref.group, ref.version);
  if (ref.namespace) p += `/namespaces/${seg(ref.namespace)}`;
  p += `/${ref.resource}`;
  if (ref.name !== undefined) p += `/${seg(ref.name)}`;
  if (ref.subresource) {
    if (ref.name === undefined) throw new TypeError('resourcePath: a subresource needs a name');
    p += `/${ref.subresource}`;
  }
  return p;
}

export type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  if (!s) return path;
  return path + (path.includes('?') ? '&' : '?') + s;
}
