// A tiny vocabulary for writing OpenAPI v2 schemas compactly. Kubernetes' own
// definitions are generated from Go struct tags; here each field is one short call,
// so a group's whole schema stays readable in a few hundred lines, and the extensions
// that strategic merge patch and server-side apply read (patch strategy, merge key,
// list type, map keys) sit right next to the field they govern.

import type { Definitions, Schema } from './types.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const CORE = 'io.k8s.api.core.v1';

export function str(...enumValues: string[]): Schema {
  return enumValues.length > 0 ? { type: 'string', enum: enumValues } : { type: 'string' };
}
/** Base64 on the wire: Go's []byte. */
export const bytes = (): Schema => ({ type: 'string', format: 'byte' });
export const i32 = (): Schema => ({ type: 'integer', format: 'int32' });
export const i64 = (): Schema => ({ type: 'integer', format: 'int64' });
export const num = (): Schema => ({ type: 'number', format: 'double' });
export const bool = (): Schema => ({ type: 'boolean' });

/**
 * A field's default value, as Kubernetes' +default markers publish it. Server-side apply
 * reads the defaults of list-map keys (a container port's protocol) so that an applied
 * item without the key still matches the live, defaulted item.
 */
export function dflt(s: Schema, value: unknown): Schema {
  return { ...s, default: value };
}

export const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
/** A reference builder for one package: `const t = refIn(CORE); t('Container')`. */
export const refIn = (pkg: string) => (name: string): Schema => ref(`${pkg}.${name}`);
export const meta = refIn(META);
export const core = refIn(CORE);
export const time = (): Schema => meta('Time');
export const microTime = (): Schema => meta('MicroTime');
export const qty = (): Schema => ref('io.k8s.apimachinery.pkg.api.resource.Quantity');
export const intOrStr = (): Schema => ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
export const raw = (): Schema => ref('io.k8s.apimachinery.pkg.runtime.RawExtension');

export interface ListOptions {
  /** x-kubernetes-list-type. */
  type?: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys, for type 'map'. */
  keys?: string[];
  /** x-kubernetes-patch-strategy: 'merge', 'merge,retainKeys', 'replace'. */
  patch?: string;
  /** x-kubernetes-patch-merge-key. */
  key?: string;
}

export function list(items: Schema, o: ListOptions = {}): Schema {
  const s: Schema = { type: 'array', items };
  if (o.patch) s['x-kubernetes-patch-strategy'] = o.patch;
  if (o.key) s['x-kubernetes-patch-merge-key'] = o.key;
  if (o.type) s['x-kubernetes-list-type'] = o.type;
  if (o.keys) s['x-kubernetes-list-map-keys'] = o.keys;
  return s;
}
export const atomic = (items: Schema): Schema => list(items, { type: 'atomic' });
export const set = (items: Schema): Schema => list(items, { type: 'set' });

export function dict(values: Schema, mapType?: 'atomic' | 'granular'): Schema {
  const s: Schema = { type: 'object', additionalProperties: values };
  if (mapType) s['x-kubernetes-map-type'] = mapType;
  return s;
}

export interface ObjectOptions {
  required?: string[];
  /** x-kubernetes-map-type: 'atomic' replaces the whole struct on apply (Go's +structType=atomic). */
  atomic?: boolean;
}

export function obj(properties: Record<string, Schema>, o: ObjectOptions = {}): Schema {
  const s: Schema = { type: 'object', properties };
  if (o.required && o.required.length > 0) s.required = o.required;
  if (o.atomic) s['x-kubernetes-map-type'] = 'atomic';
  return s;
}

/** Marks a top-level kind, as kubectl and client generators expect. */
export function gvk(s: Schema, group: string, version: string, kind: string): Schema {
  return { ...s, 'x-kubernetes-group-version-kind': [{ group, version, kind }] };
}

/** Puts a package's short names under their full OpenAPI names. */
export function inPackage(pkg: string, defs: Record<string, Schema>): Definitions {
  const out: Definitions = {};
  for (const [name, s] of Object.entries(defs)) out[`${pkg}.${name}`] = s;
  return out;
}

/** Descriptions for one package: type name -> ('' for the type itself | field) -> text. */
export type DescriptionTable = Record<string, Record<string, string>>;

/**
 * Adds descriptions to definitions in place. Kept apart from the structure so that the
 * structural files stay one line per field; a description for a field that does not
 * exist throws, so the two cannot drift apart silently.
 */
export function describe(defs: Definitions, pkg: string, table: DescriptionTable): void {
  for (const [type, fields] of Object.entries(table)) {
    const def = defs[`${pkg}.${type}`];
    if (!def) throw new UnknownDescribedFieldError(`${pkg}.${type}`);
    for (const [field, text] of Object.entries(fields)) {
      if (field === '') {
        def.description = text;
        continue;
      }
      const prop = def.properties?.[field];
      if (!prop) throw new UnknownDescribedFieldError(`${pkg}.${type}.${field}`);
      prop.description = text;
    }
  }
}

export class UnknownDescribedFieldError extends Error {
  constructor(readonly path: string) {
    super(`description given for unknown schema element ${path}`);
    this.name = 'UnknownDescribedFieldError';
  }
}
