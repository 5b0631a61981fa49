// What changed between two versions of an object, as field sets (structured-merge-diff's
// Compare): fields added, modified and removed. An Update takes ownership of what it
// added or modified; removed fields leave every manager's set.
import { deepEqual, getOwn, isObject, type JsonValue } from '../patch/json.js';
import { fieldNode, itemNode, type SchemaNode } from '../patch/schema-walk.js';
import { FieldSet } from './fieldset.js';
import { indexItems, isAtomicMap, isStruct, listKindOf } from './typed.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compareObjects(before: JsonValue | undefined, after: JsonValue | undefined, root: SchemaNode): Comparison {
  const c: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  walk(before, after, root, [], c, false);
  return c;
}

/**
 * Whether an appearing or vanishing path counts itself, beside its children. Kubernetes
 * compares typed Go objects, in which structs and required (non-omitempty) fields are
 * always present, so only maps, optional lists, list items and leaves ever appear; we
 * reproduce that from the schema: structs and required fields never count (unless
 * empty, when nothing else would record them).
 */
function countsItself(v: JsonValue, node: SchemaNode, required: boolean, item: boolean): boolean {
  if (item) return true;
  const emptyObject = isObject(v) && Object.keys(v).length === 0;
  if (emptyObject) return true;
  if (required) return false;
  return !(isObject(v) && isStruct(node) && !isAtomicMap(node));
}

function walk(a: JsonValue | undefined, b: JsonValue | undefined, node: SchemaNode, path: string[], c: Comparison, required: boolean, item = false): void {
  if (a === undefined && b === undefined) return;
  if (a !== undefined && b !== undefined && deepEqual(a, b)) return;
  const value = (b ?? a) as JsonValue;
  const leaf = isLeaf(value, node) || (a !== undefined && b !== undefined && (isObject(a) !== isObject(b) || Array.isArray(a) !== Array.isArray(b)));
  if (leaf) {
    if (path.length === 0) return;
    if (a === undefined) c.added.insert(path);
    else if (b === undefined) c.removed.insert(path);
    else c.modified.insert(path);
    return;
  }
  if (isObject(value)) {
    const ao = isObject(a) ? a : {};
    const bo = isObject(b) ? b : {};
    const req = node.schema?.required ?? noneRequired;
    // The path grows and shrinks in place (FieldSet.insert copies what it keeps).
    const visit = (k: string): void => {
      path.push(`f:${k}`);
      walk(getOwn(ao, k), getOwn(bo, k), fieldNode(node, k), path, c, req.includes(k));
      path.pop();
    };
    for (const k of Object.keys(ao)) visit(k);
    for (const k of Object.keys(bo)) if (!Object.hasOwn(ao, k)) visit(k);
  } else if (Array.isArray(value)) {
    const kind = listKindOf(node);
    const items = itemNode(node);
    const am = Array.isArray(a) ? indexItems(a, kind, items, false, '') : new Map<string, JsonValue>();
    const bm = Array.isArray(b) ? indexItems(b, kind, items, false, '') : new Map<string, JsonValue>();
    const visit = (el: string): void => {
      path.push(el);
      walk(am.get(el), bm.get(el), items, path, c, false, true);
      path.pop();
    };
    for (const el of am.keys()) visit(el);
    for (const el of bm.keys()) if (!am.has(el)) visit(el);
  }
  if (path.length > 0 && (a === undefined || b === undefined) && countsItself(value, node, required, item)) {
    (a === undefined ? c.added : c.removed).insert(path);
  }
}

const noneRequired: readonly string[] = [];

/** Scalars, nulls, atomic lists and atomic maps are compared whole. */
function isLeaf(v: JsonValue, node: SchemaNode): boolean {
  if (isObject(v)) return isAtomicMap(node);
  if (Array.isArray(v)) return listKindOf(node).kind === 'atomic';
  return true;
}
