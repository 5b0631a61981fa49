// Converting definitions to the OpenAPI 3.0 form kube-apiserver serves under
// /openapi/v3: refs point into #/components/schemas, a ref with its own description is
// wrapped in allOf (a sibling of $ref is ignored in 3.0), and the two polymorphic
// primitives say what they accept with anyOf/oneOf.

import { refName } from '../schema/resolve.js';
import type { Definitions, Schema } from '../schema/types.js';

type Json = Record<string, unknown>;

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

export function toV3(s: Schema): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref') continue;
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, ps]) => [p, toV3(ps)]));
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) out[k] = toV3(v as Schema);
    else out[k] = v;
  }
  if (s.$ref !== undefined) {
    const target = { $ref: `#/components/schemas/${refName(s.$ref)}` };
    if (Object.keys(out).length === 0) return target;
    return { ...out, allOf: [target] };
  }
  return out;
}

export function definitionToV3(name: string, s: Schema): Json {
  if (name === INT_OR_STRING) {
    const { type: _t, format: _f, ...rest } = s;
    return { ...rest, anyOf: [{ type: 'integer' }, { type: 'string' }] };
  }
  if (name === QUANTITY) {
    const { type: _t, ...rest } = s;
    return { ...rest, oneOf: [{ type: 'string' }, { type: 'number' }] };
  }
  return toV3(s);
}

/** The definitions reachable from `roots`, following every $ref. */
export function reachable(defs: Definitions, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name) || defs[name] === undefined) continue;
    seen.add(name);
    collectRefs(defs[name], stack);
  }
  return [...seen].sort();
}

function collectRefs(s: unknown, into: string[]): void {
  if (typeof s !== 'object' || s === null) return;
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' && typeof v === 'string') into.push(refName(v));
    else collectRefs(v, into);
  }
}
