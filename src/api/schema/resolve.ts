// Following `$ref` pointers between definitions.

import type { Definitions, Schema } from './types.js';

export class UnresolvedRefError extends Error {
  readonly code = 'UnresolvedRef';
  constructor(readonly ref: string) {
    super(`schema reference ${ref} does not resolve to a definition`);
    this.name = 'UnresolvedRefError';
  }
}

/** '#/definitions/io.k8s.api.core.v1.Pod' -> 'io.k8s.api.core.v1.Pod'; also accepts v3's '#/components/schemas/...'. */
export function refName(ref: string): string {
  return ref.replace(/^#\/(definitions|components\/schemas)\//, '');
}

/**
 * The schema behind `schema`, following `$ref`s until a concrete schema. A reference
 * with its own description (how properties document a referenced type) keeps that
 * description: it describes the field, which is what a reader asked about.
 */
export function resolveRef(defs: Definitions, schema: Schema): Schema {
  let s = schema;
  const seen = new Set<string>();
  while (s.$ref !== undefined) {
    const name = refName(s.$ref);
    if (seen.has(name)) throw new UnresolvedRefError(s.$ref);
    seen.add(name);
    const target = defs[name];
    if (target === undefined) throw new UnresolvedRefError(s.$ref);
    s = s.description !== undefined && target.description !== s.description ? { ...target, description: s.description } : target;
  }
  return s;
}

const resolvedByDefs = new WeakMap<Definitions, WeakMap<Schema, Schema>>();

/**
 * resolveRef, remembered per schema object: request bodies are checked against the same
 * schemas on every write, and definitions are never changed once built.
 */
export function resolveRefCached(defs: Definitions, schema: Schema): Schema {
  if (schema.$ref === undefined) return schema;
  let perDefs = resolvedByDefs.get(defs);
  if (!perDefs) {
    perDefs = new WeakMap();
    resolvedByDefs.set(defs, perDefs);
  }
  let s = perDefs.get(schema);
  if (s === undefined) {
    s = resolveRef(defs, schema);
    perDefs.set(schema, s);
  }
  return s;
}
