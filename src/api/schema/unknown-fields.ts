// Unknown-field detection for fieldValidation=Strict and =Warn. Kubernetes finds these
// while decoding JSON into Go structs (a field with no struct member is "unknown"); k8ts
// has no structs, so it walks the object against the schema instead, with the same
// rules: a map (additionalProperties) accepts any key, x-kubernetes-preserve-unknown-fields
// accepts anything below it, and an object schema with neither properties nor
// additionalProperties (RawExtension, FieldsV1) is free-form.

import { duplicateFieldMessage } from './duplicate-fields.js';
import { resolveRef } from './resolve.js';
import type { GroupVersionKind, Schema, SchemaSource } from './types.js';

/** Fields every object may carry at the top, whatever its schema says. */
const alwaysKnown = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * JSON paths (`.spec.containers[0].imagePullPolcy`) of the fields of `obj` that the
 * schema of `gvk` does not declare, in document order. An unknown kind has no schema to
 * check against and yields none.
 */
export function findUnknownFields(source: SchemaSource, gvk: GroupVersionKind, obj: unknown): string[] {
  const name = source.definitionFor(gvk);
  if (name === undefined) return [];
  const root = source.definitions[name];
  if (root === undefined || !isPlainObject(obj)) return [];
  const out: string[] = [];
  const props = resolveRef(source.definitions, root).properties ?? {};
  for (const [key, value] of Object.entries(obj)) {
    const path = `.${key}`;
    const prop = props[key];
    if (prop !== undefined) walk(source, prop, value, path, out);
    else if (!alwaysKnown.has(key)) out.push(path);
  }
  return out;
}

function walk(source: SchemaSource, schema: Schema, value: unknown, path: string, out: string[]): void {
  const s = resolveRef(source.definitions, schema);
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(source, s.items as Schema, v, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(value)) return;
  const ap = s.additionalProperties;
  if (s.properties === undefined) {
    // A map: every key is allowed, each value is checked against the value schema.
    if (typeof ap === 'object') for (const [k, v] of Object.entries(value)) walk(source, ap, v, `${path}.${k}`, out);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = s.properties[k];
    const child = `${path}.${k}`;
    if (p !== undefined) walk(source, p, v, child, out);
    else if (typeof ap === 'object') walk(source, ap, v, child, out);
    else if (ap !== true) out.push(child);
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
