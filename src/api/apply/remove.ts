// Removing the fields of a field set from an object: what apply does with the fields a
// manager applied before and no longer applies.
import { clone, isObject, type JsonObject, type JsonValue } from '../patch/json.js';
import { fieldNode, itemNode, type SchemaNode } from '../patch/schema-walk.js';
import type { FieldSet } from './fieldset.js';
import { isStruct, itemElement, listKindOf } from './typed.js';

export function removeFields(obj: JsonObject, set: FieldSet, root: SchemaNode): JsonObject {
  const out = clone(obj);
  for (const path of set.paths()) removePath(out, path, root);
  return out;
}

/** `itemKeys`: when `value` is an item of a keyed list, its key fields, which stay while the item does. */
function removePath(value: JsonValue, path: readonly string[], node: SchemaNode, itemKeys: readonly string[] = []): void {
  const [el, ...rest] = path;
  if (isObject(value) && el.startsWith('f:')) {
    const key = el.slice(2);
    if (!Object.prototype.hasOwnProperty.call(value, key)) return;
    if (rest.length === 0 && itemKeys.includes(key)) return;
    const child = fieldNode(node, key);
    if (rest.length === 0) delete value[key];
    else {
      removePath(value[key] as JsonValue, rest, child);
      if (emptied(value[key], child)) delete value[key];
    }
    return;
  }
  if (Array.isArray(value)) {
    const kind = listKindOf(node);
    const items = itemNode(node);
    const i = value.findIndex((item, idx) => itemElement(item, idx, kind, items) === el);
    if (i < 0) return;
    if (rest.length === 0) value.splice(i, 1);
    else removePath(value[i], rest, items, kind.kind === 'map' ? kind.keys : []);
  }
}

/**
 * A list or map left empty by removals disappears, as it does in Kubernetes, where such
 * fields are `omitempty` in the Go types; emptied structs stay, as Go keeps them.
 */
function emptied(v: JsonValue, node: SchemaNode): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.keys(v).length === 0 && !isStruct(node);
}
