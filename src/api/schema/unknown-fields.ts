// Unknown-field detection for fieldValidation=Strict and =Warn. Kubernetes finds these
// while decoding JSON into Go structs (a field with no struct member is "unknown"); k8ts
// has no structs, so it walks the object against the schema instead, with the same
// rules: a map (additionalProperties) accepts any key, x-kubernetes-preserve-unknown-fields
// accepts anything below it, and an object schema with neither properties nor
// additionalProperties (RawExtension, FieldsV1) is free-form.

import { duplicateFieldMessage } from './duplicate-fields.js';
import { resolveRefCached } from './resolve.js';
import type { GroupVersionKind, Schema, SchemaSource } from './types.js';

/** Fields every object may carry at the top, whatever its schema says. */
const alwaysKnown = new Set(['apiVersion', 'kind', 'metadata']);

export interface UnknownFieldOptions {
  /**
   * Structural schemas (custom resources): an object schema with neither properties nor
   * additionalProperties has no fields, as pruning treats it, instead of being
   * free-form as in the built-in definitions (RawExtension, FieldsV1). Default false.
   */
  structural?: boolean;
}

/**
 * JSON paths (`.spec.containers[0].imagePullPolcy`) of the fields of `obj` that the
 * schema of `gvk` does not declare, in document order. An unknown kind has no schema to
 * check against and yields none.
 */
export function findUnknownFields(source: SchemaSource, gvk: GroupVersionKind, obj: unknown, options: UnknownFieldOptions = {}): string[] {
  const name = source.definitionFor(gvk);
  if (name === undefined) return [];
  const root = source.definitions[name];
  if (root === undefined || !isPlainObject(obj)) return [];
  const s = resolveRefCached(source.definitions, root);
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return [];
  const out: string[] = [];
  walkObject(new Walker(source, options.structural === true, out), s, obj, '', true);
  return out;
}

class Walker {
  constructor(readonly source: SchemaSource, readonly structural: boolean, readonly out: string[]) {}
}

function walk(w: Walker, schema: Schema, value: unknown, path: string): void {
  const s = resolveRefCached(w.source.definitions, schema);
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(w, s.items as Schema, v, `${path}[${i}]`));
    return;
  }
  if (!isPlainObject(value)) return;
  walkObject(w, s, value, path, s['x-kubernetes-embedded-resource'] === true);
}

/** `objectRoot`: the top of a kind or an embedded resource, where apiVersion, kind and metadata are always allowed. */
function walkObject(w: Walker, s: Schema, value: Record<string, unknown>, path: string, objectRoot: boolean): void {
  const ap = s.additionalProperties;
  if (s.properties === undefined && typeof ap === 'object') {
    // A map: every key is allowed, each value is checked against the value schema.
    for (const [k, v] of Object.entries(value)) walk(w, ap, v, `${path}.${k}`);
    return;
  }
  if (s.properties === undefined && ap === undefined && !w.structural && !objectRoot) return;
  const props = s.properties ?? {};
  for (const [k, v] of Object.entries(value)) {
    const p = props[k];
    const child = `${path}.${k}`;
    if (p !== undefined) walk(w, p, v, child);
    else if (typeof ap === 'object') walk(w, ap, v, child);
    else if (ap === true || (objectRoot && alwaysKnown.has(k))) continue;
    else w.out.push(child);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Kubernetes names fields without the leading dot: `spec.foo`. */
export function wirePath(path: string): string {
  return path.startsWith('.') ? path.slice(1) : path;
}

/** One unknown field as kube-apiserver words it: `unknown field "spec.foo"`. Also the text of each Warn warning. */
export function unknownFieldWarning(path: string): string {
  return `unknown field "${wirePath(path)}"`;
}

/**
 * The message of the strict decoding error:
 * `strict decoding error: unknown field "spec.foo", duplicate field "spec.bar"`.
 * A JSON-patch or merge-patch request under Strict answers 400 with exactly this.
 */
export function strictDecodingMessage(unknown: string[], duplicates: string[] = []): string {
  return `strict decoding error: ${[...unknown.map(unknownFieldWarning), ...duplicates.map(duplicateFieldMessage)].join(', ')}`;
}

/**
 * What create and update answer with (400 BadRequest): the decode failure wrapped with
 * the kind, e.g. `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"`.
 */
export function cannotBeHandledMessage(gvk: GroupVersionKind, unknown: string[], duplicates: string[] = []): string {
  return `${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${strictDecodingMessage(unknown, duplicates)}`;
}

/**
 * Server-side apply reports schema violations from its typed conversion instead:
 * `.spec.foo: field not declared in schema` (one per line when several).
 */
export function fieldNotDeclaredMessage(paths: string[]): string {
  return paths.map((p) => `${p.startsWith('.') ? p : `.${p}`}: field not declared in schema`).join('\n');
}

/**
 * The value of one `Warning` response header (RFC 7234 form, code 299, agent "-"),
 * which kubectl prints as `Warning: <text>`.
 */
export function warningHeaderValue(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
