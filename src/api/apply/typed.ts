// How server-side apply sees a value through its schema: which lists are atomic, sets or
// maps keyed by some fields, which maps are atomic, and the path element that names each
// list item. This follows how kube-apiserver turns its OpenAPI into
// structured-merge-diff types: x-kubernetes-list-type / -list-map-keys / -map-type
// first; without a list type, `patch-strategy: merge` makes a keyed list (by the patch
// merge key) or, without a key, a set; any other list is atomic. With no schema at all
// ("deduced" types), maps are granular and lists atomic.
import { isObject, type JsonObject, type JsonValue } from '../patch/json.js';
import { fieldNode, isDeclaredField, itemNode, patchStrategies, resolve, rootNode, type SchemaContext, type SchemaNode } from '../patch/schema-walk.js';
import { ApplyError } from './errors.js';
import { FieldSet } from './fieldset.js';

export type ListKind = { kind: 'atomic' } | { kind: 'set' } | { kind: 'map'; keys: string[] };

export function listKindOf(node: SchemaNode): ListKind {
  const s = node.schema;
  if (!s) return { kind: 'atomic' };
  const type = s['x-kubernetes-list-type'];
  const mergeKey = s['x-kubernetes-patch-merge-key'];
  if (type === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? (mergeKey ? [mergeKey] : []);
    return keys.length > 0 ? { kind: 'map', keys } : { kind: 'atomic' };
  }
  if (type === 'set') return { kind: 'set' };
  if (type === 'atomic') return { kind: 'atomic' };
  if (patchStrategies(s).includes('merge')) return mergeKey ? { kind: 'map', keys: [mergeKey] } : { kind: 'set' };
  return { kind: 'atomic' };
}

/** An object schema marked atomic: owned and replaced as one value. */
export function isAtomicMap(node: SchemaNode): boolean {
  return node.schema?.['x-kubernetes-map-type'] === 'atomic';
}

/** A struct (declared properties) rather than a map of arbitrary keys. */
export function isStruct(node: SchemaNode): boolean {
  return node.schema?.properties !== undefined && Object.keys(node.schema.properties).length > 0;
}

/**
 * The path element of a list item. Key fields missing from an item take their schema
 * default (ports' `protocol: TCP`), so an applied item matches its defaulted live twin.
 */
export function itemElement(item: JsonValue, index: number, kind: ListKind, items: SchemaNode): string {
  if (kind.kind === 'set') return `v:${JSON.stringify(item)}`;
  if (kind.kind === 'map' && isObject(item)) {
    const key: Record<string, JsonValue> = {};
    for (const k of [...kind.keys].sort()) {
      let v: JsonValue | undefined = item[k];
      if (v === undefined) {
        const d = resolve(items.schema?.properties?.[k], items.defs)?.default;
        if (d !== undefined) v = d as JsonValue;
      }
      if (v !== undefined && v !== null) key[k] = v;
    }
    if (Object.keys(key).length > 0) return `k:${JSON.stringify(key)}`;
  }
  return `i:${index}`;
}

/**
 * The items of a list by their path element. Throws ApplyError on duplicate keys when
 * `strict` (an applied configuration); otherwise the first item with a key wins.
 */
export function indexItems(list: JsonValue[], kind: ListKind, items: SchemaNode, strict: boolean, where: string): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  list.forEach((item, i) => {
    const el = itemElement(item, i, kind, items);
    if (out.has(el)) {
      if (strict) throw new ApplyError(`${where}: duplicate entries for key ${el.slice(2)}`, 422);
      return;
    }
    out.set(el, item);
  });
  return out;
}

/**
 * The fields a value sets, as structured-merge-diff's ToFieldSet: every scalar, list
 * item, map entry, atomic list or map, and empty or null struct field; a struct field
 * holding a non-empty object is implied by its children.
 */
export function fieldSetOf(obj: JsonObject, schemaCtx?: SchemaContext): FieldSet {
  return fieldSetOfNode(obj, rootNode(schemaCtx));
}

export function fieldSetOfNode(obj: JsonObject, root: SchemaNode): FieldSet {
  const set = FieldSet.empty();
  walkValue(obj, root, [], set, true);
  return set;
}

function walkValue(v: JsonValue, node: SchemaNode, path: string[], set: FieldSet, strict: boolean): void {
  if (isObject(v)) {
    if (isAtomicMap(node)) {
      set.insert(path);
      return;
    }
    for (const [k, child] of Object.entries(v)) {
      const p = [...path, `f:${k}`];
      walkValue(child, fieldNode(node, k), p, set, strict);
      const empty = child === null || (isObject(child) && Object.keys(child).length === 0);
      if (empty || !isDeclaredField(node, k)) set.insert(p);
    }
    return;
  }
  if (Array.isArray(v)) {
    const kind = listKindOf(node);
    if (kind.kind === 'atomic') {
      set.insert(path);
      return;
    }
    const items = itemNode(node);
    for (const [el, item] of indexItems(v, kind, items, strict, pathLabel(path))) {
      const p = [...path, el];
      walkValue(item, items, p, set, strict);
      set.insert(p);
    }
    return;
  }
  if (path.length > 0) set.insert(path);
}

function pathLabel(path: string[]): string {
  return path.map((e) => (e.startsWith('f:') ? `.${e.slice(2)}` : `[${e.slice(2)}]`)).join('') || '.';
}
