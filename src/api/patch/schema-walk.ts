// Walking a type's OpenAPI schema alongside a JSON value: resolving $refs and finding the
// schema of a field or a list item. Shared by strategic merge patch and server-side
// apply. An undefined schema means "unknown type": callers fall back to untyped rules.
import type { Definitions, Schema, SchemaSource } from '../schema/types.js';

/** Where a patch or apply starts: the schemas and the top-level definition of the object. */
export interface SchemaContext {
  source: SchemaSource;
  /** Definition name of the object's type, e.g. 'io.k8s.api.apps.v1.Deployment'. */
  definition: string;
}

/** Resolved schema plus the definitions it came from, passed down while walking. */
export interface SchemaNode {
  schema: Schema | undefined;
  defs: Definitions;
}

const refPrefix = '#/definitions/';

/**
 * Follows `$ref`s. Extensions written beside a `$ref` (Kubernetes puts patch strategies
 * there, e.g. `strategy: {$ref: DeploymentStrategy, x-kubernetes-patch-strategy: retainKeys}`)
 * win over those of the referenced definition.
 */
export function resolve(schema: Schema | undefined, defs: Definitions): Schema | undefined {
  if (schema === undefined || schema.$ref === undefined) return schema;
  // Every write walks the same schemas: each merged result is built once per schema object.
  let perDefs = resolvedByDefs.get(defs);
  if (!perDefs) {
    perDefs = new WeakMap();
    resolvedByDefs.set(defs, perDefs);
  }
  if (perDefs.has(schema)) return perDefs.get(schema);
  const out = resolveNow(schema, defs);
  perDefs.set(schema, out);
  return out;
}

const resolvedByDefs = new WeakMap<Definitions, WeakMap<Schema, Schema | undefined>>();

function resolveNow(schema: Schema, defs: Definitions): Schema | undefined {
  let cur: Schema | undefined = schema;
  const siblings: Schema[] = [];
  for (let depth = 0; cur?.$ref !== undefined && depth < 32; depth++) {
    const { $ref, ...rest }: Schema & { $ref: string } = cur as Schema & { $ref: string };
    siblings.push(rest);
    cur = $ref.startsWith(refPrefix) ? defs[$ref.slice(refPrefix.length)] : undefined;
  }
  if (siblings.length === 0) return cur;
  if (cur === undefined) return undefined;
  let out: Schema = { ...cur };
  for (const s of siblings.reverse()) out = { ...out, ...s };
  delete out.$ref;
  return out;
}

export function rootNode(ctx: SchemaContext | undefined): SchemaNode {
  if (!ctx) return { schema: undefined, defs: {} };
  return { schema: resolve(ctx.source.definitions[ctx.definition], ctx.source.definitions), defs: ctx.source.definitions };
}

/** Schema of `key` inside an object schema: a declared property, else additionalProperties. */
export function fieldNode(node: SchemaNode, key: string): SchemaNode {
  const s = node.schema;
  if (!s) return node;
  const prop = s.properties?.[key];
  if (prop) return { schema: resolve(prop, node.defs), defs: node.defs };
  if (typeof s.additionalProperties === 'object') return { schema: resolve(s.additionalProperties, node.defs), defs: node.defs };
  return { schema: undefined, defs: node.defs };
}

/** Schema of the items of a list schema. */
export function itemNode(node: SchemaNode): SchemaNode {
  return { schema: resolve(node.schema?.items, node.defs), defs: node.defs };
}

/** True when the object schema declares `key` as a property (a struct field, not a map entry). */
export function isDeclaredField(node: SchemaNode, key: string): boolean {
  return node.schema?.properties?.[key] !== undefined;
}

export function patchStrategies(schema: Schema | undefined): string[] {
  const s = schema?.['x-kubernetes-patch-strategy'];
  return s ? s.split(',').map((x) => x.trim()) : [];
}
