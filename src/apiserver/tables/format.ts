// Cell formatting shared by the printers: labels, selectors, container lists.

import { arr, isObj, obj, objs, str, strMap, type JsonObject } from '../../api/validation/json.js';

/** labels.FormatLabels: "a=b,c=d" sorted by key, or '<none>'. */
export function formatLabels(m: Record<string, string>): string {
  const keys = Object.keys(m).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${m[k]}`).join(',');
}

/** A LabelSelector as labels.Selector.String() prints it ('' for an empty or absent one). */
export function selectorString(sel: unknown): string {
  if (!isObj(sel)) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(strMap(sel, 'matchLabels'))) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of objs(sel, 'matchExpressions')) {
    const key = str(e, 'key');
    const values = arr(e, 'values').map(String).sort().join(',');
    switch (str(e, 'operator')) {
      case 'In': reqs.push({ key, text: `${key} in (${values})` }); break;
      case 'NotIn': reqs.push({ key, text: `${key} notin (${values})` }); break;
      case 'Exists': reqs.push({ key, text: key }); break;
      case 'DoesNotExist': reqs.push({ key, text: `!${key}` }); break;
      default: break;
    }
  }
  // Stable sort by key keeps matchLabels before expressions on the same key.
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: the selector string, or '<none>'. */
export function formatLabelSelector(sel: unknown): string {
  return selectorString(sel) || '<none>';
}

/** Container names and images, comma-separated, as the wide columns show them. */
export function containerCells(podSpec: JsonObject | undefined): [string, string] {
  const cs = objs(podSpec, 'containers');
  return [cs.map((c) => str(c, 'name')).join(','), cs.map((c) => str(c, 'image')).join(',')];
}

export function templateSpec(spec: JsonObject | undefined): JsonObject | undefined {
  return obj(obj(spec, 'template'), 'spec');
}

/** "a,b,c + 2 more..." after the first `max` entries, or '<unset>' when empty. */
export function listWithMore(list: string[], max: number, empty = '<unset>'): string {
  if (list.length > max) return `${list.slice(0, max).join(',')} + ${list.length - max} more...`;
  return list.length ? list.join(',') : empty;
}

/** Go's net.JoinHostPort: brackets around IPv6 hosts. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
