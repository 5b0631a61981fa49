// Kubernetes strategic merge patch (application/strategic-merge-patch+json), server side:
// what `kubectl apply` (client-side), `kubectl patch` and `kubectl edit` send.
//
// Like a JSON merge patch, except that the object's schema decides how lists merge:
// a list field marked `x-kubernetes-patch-strategy: merge` merges its items by
// `x-kubernetes-patch-merge-key` (or, for primitives, as a set union); other lists are
// replaced. Directives in the patch:
//   $patch: replace | delete          in a map: replace it / delete it
//   {<key>: v, $patch: delete}        in a merging list: delete the item with that key
//   {$patch: replace}                 in a merging list: the list becomes the other items
//   $retainKeys: [k...]               keys of the map to keep; the others are cleared
//   $deleteFromPrimitiveList/<f>: []  values to remove from the primitive list f
//   $setElementOrder/<f>: [...]       the order of list f's items after the merge
// Item order after a merge follows apimachinery: $setElementOrder, then the order of the
// patch list, then the order of the live list, interleaved so that live-only items keep
// their place relative to the patched ones.
import { PatchError } from './errors.js';
import { clone, getOwn, isObject, kindOf, setOwn, type JsonObject, type JsonValue } from './json.js';
import { fieldNode, itemNode, patchStrategies, rootNode, type SchemaContext, type SchemaNode } from './schema-walk.js';

const directive = '$patch';
const retainKeysDirective = '$retainKeys';
const deletePrefix = '$deleteFromPrimitiveList/';
const orderPrefix = '$setElementOrder/';

/**
 * Applies a strategic merge patch to `original` and returns the result; neither input is
 * modified. Without a schema (or for fields the schema does not know) maps merge as in
 * a JSON merge patch and lists are replaced.
 */
export function applyStrategicMergePatch(original: JsonObject, patch: unknown, ctx?: SchemaContext): JsonObject {
  if (!isObject(patch)) {
    throw new PatchError('a strategic merge patch must be a JSON object', { status: 400, code: 'bad-document' });
  }
  return mergeMap(clone(original), patch, rootNode(ctx));
}

/** Merges `patch` into `original`, which it may modify (callers pass a private copy). */
function mergeMap(original: JsonObject | undefined, patch: JsonObject, node: SchemaNode): JsonObject {
  if (Object.prototype.hasOwnProperty.call(patch, directive)) {
    const d = patch[directive];
    if (d === 'delete') return {};
    if (d === 'replace') {
      const { [directive]: _, ...rest } = patch;
      return mergeMap(undefined, rest, node);
    }
    if (d !== 'merge') {
      throw new PatchError(`Unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(patch)}`, { code: 'bad-patch-type' });
    }
  }
  const out: JsonObject = original ?? {};
  applyRetainKeys(out, patch);

  // Lists with an explicit order are merged first, together with their patch list.
  const done = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(orderPrefix)) continue;
    const field = key.slice(orderPrefix.length);
    if (field === '') throw new PatchError('invalid patch format of setElementOrder list', { status: 400, code: 'bad-set-element-order' });
    mergeWithOrder(out, patch, field, order, fieldNode(node, field));
    done.add(field);
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key === directive || key === retainKeysDirective || key.startsWith(orderPrefix) || done.has(key)) continue;
    if (key.startsWith(deletePrefix)) {
      deleteFromPrimitiveList(out, key.slice(deletePrefix.length), value);
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    setOwn(out, key, mergeValue(getOwn(out, key), value, fieldNode(node, key)));
  }
  return out;
}

/** Merges one field's patch value into its original value (undefined when absent). */
function mergeValue(original: JsonValue | undefined, patch: JsonValue, node: SchemaNode): JsonValue {
  const strategies = patchStrategies(node.schema);
  if (isObject(patch)) {
    if (strategies.includes('replace') || !isObject(original)) return mergeMap(undefined, patch, node);
    return mergeMap(original, patch, node);
  }
  if (Array.isArray(patch)) {
    if (!strategies.includes('merge')) return clone(patch);
    return mergeList(Array.isArray(original) ? original : [], patch, node);
  }
  return patch;
}

function applyRetainKeys(out: JsonObject, patch: JsonObject): void {
  if (!Object.prototype.hasOwnProperty.call(patch, retainKeysDirective)) return;
  const keep = patch[retainKeysDirective];
  if (!Array.isArray(keep)) throw new PatchError('invalid patch format of retainKeys', { status: 400, code: 'bad-retain-keys' });
  const allowed = new Set(keep.map((k) => String(k)));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith('$')) continue;
    if (!allowed.has(key)) {
      throw new PatchError(`patch field ${JSON.stringify(key)} is not listed in $retainKeys ${JSON.stringify(keep)}`, { status: 400, code: 'bad-retain-keys' });
    }
  }
  for (const key of Object.keys(out)) if (!allowed.has(key)) delete out[key];
}

function deleteFromPrimitiveList(out: JsonObject, field: string, values: JsonValue): void {
  if (field === '' || !Array.isArray(values)) {
    throw new PatchError('invalid patch format of primitive list', { status: 400, code: 'bad-delete-from-primitive-list' });
  }
  const current = getOwn(out, field);
  if (!Array.isArray(current)) return;
  setOwn(out, field, current.filter((v) => !values.some((d) => d === v)));
}

// ---- lists ----------------------------------------------------------------------------

type ItemKey = string | number | boolean | null | undefined;

/** Merges a patch list into an original list under the merge strategy. */
function mergeList(original: JsonValue[], patch: JsonValue[], node: SchemaNode): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return [];
  const elementKind = listElementKind(original, patch);
  const item = itemNode(node);
  if (elementKind !== 'object') {
    const merged = dedupe([...original, ...clone(patch)]);
    return order(merged, patch, original, (v) => v as ItemKey);
  }
  const mergeKey = node.schema?.['x-kubernetes-patch-merge-key'];
  if (!mergeKey) throw new PatchError('cannot merge lists without merge key for type map', { code: 'no-merge-key' });
  const keyOf = (v: JsonValue): ItemKey => (isObject(v) ? (v[mergeKey] as ItemKey) : undefined);

  let base = original;
  const plain: JsonObject[] = [];
  let replace = false;
  for (const raw of patch) {
    const p = raw as JsonObject;
    if (!Object.prototype.hasOwnProperty.call(p, directive)) {
      plain.push(p);
      continue;
    }
    switch (p[directive]) {
      case 'delete':
        if (!Object.prototype.hasOwnProperty.call(p, mergeKey)) throw noMergeKey(p, mergeKey);
        base = base.filter((o) => keyOf(o) !== p[mergeKey]);
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw new PatchError('merging lists cannot yet be specified in the patch', { code: 'bad-patch-type' });
      default:
        throw new PatchError(`Unknown patch type: ${JSON.stringify(p[directive])} in map: ${JSON.stringify(p)}`, { code: 'bad-patch-type' });
    }
  }
  if (replace) {
    // The list becomes the patch's other items, in their order.
    return plain.map((p) => mergeMap(undefined, p, item));
  }
  const merged = [...base];
  for (const p of plain) {
    if (!Object.prototype.hasOwnProperty.call(p, mergeKey)) throw noMergeKey(p, mergeKey);
    const i = merged.findIndex((o) => keyOf(o) === p[mergeKey]);
    if (i >= 0) merged[i] = mergeMap(merged[i] as JsonObject, p, item);
    else merged.push(mergeMap(undefined, p, item));
  }
  return order(merged, plain, base, keyOf);
}

/**
 * Orders a merged list: items named by `wanted` in wanted's order, live-only items in
 * `live`'s order, the two interleaved by their positions in the live list (a live-only
 * item goes before a wanted one only if both were in the live list and it came first).
 */
function order(merged: JsonValue[], wanted: JsonValue[], live: JsonValue[], keyOf: (v: JsonValue) => ItemKey): JsonValue[] {
  const wantedKeys = wanted.map(keyOf);
  const liveKeys = live.map(keyOf);
  const patched = merged.filter((v) => wantedKeys.includes(keyOf(v)));
  const serverOnly = merged.filter((v) => !wantedKeys.includes(keyOf(v)));
  sortBy(patched, wantedKeys, keyOf);
  sortBy(serverOnly, liveKeys, keyOf);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    if (j >= patched.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patched[j++]);
    else {
      const li = liveKeys.indexOf(keyOf(serverOnly[i]));
      const ri = liveKeys.indexOf(keyOf(patched[j]));
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patched[j++]);
    }
  }
  return out;
}

/** Stable sort by position in `keys`; items whose key is not there keep their place after the known ones. */
function sortBy(items: JsonValue[], keys: ItemKey[], keyOf: (v: JsonValue) => ItemKey): void {
  const rank = (v: JsonValue): number => {
    const i = keys.indexOf(keyOf(v));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const ranked = items.map((v, i) => ({ v, r: rank(v), i }));
  ranked.sort((a, b) => a.r - b.r || a.i - b.i);
  ranked.forEach((x, i) => (items[i] = x.v));
}

function dedupe(values: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of values) if (!out.some((o) => o === v)) out.push(v);
  return out;
}

/** 'object' or 'primitive'; throws for lists of lists and for mixed lists. */
function listElementKind(...lists: JsonValue[][]): 'object' | 'primitive' {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (k === 'array') throw new PatchError('lists of lists are not supported', { code: 'list-of-lists' });
      if (kind === undefined) kind = k;
      else if (kind !== k) throw new PatchError(`list element types are not identical: ${JSON.stringify(lists)}`, { code: 'mixed-list' });
    }
  }
  return kind === 'object' ? 'object' : 'primitive';
}

function noMergeKey(item: JsonObject, mergeKey: string): PatchError {
  return new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`, { code: 'no-merge-key' });
}

/** `$setElementOrder/<field>`: merge the field's patch list, then impose the given order. */
function mergeWithOrder(out: JsonObject, patch: JsonObject, field: string, orderList: JsonValue, node: SchemaNode): void {
  if (!Array.isArray(orderList)) throw new PatchError('invalid patch format of setElementOrder list', { status: 400, code: 'bad-set-element-order' });
  const mergeKey = node.schema?.['x-kubernetes-patch-merge-key'];
  const originalList = getOwn(out, field);
  const patchList = getOwn(patch, field);
  const hasOriginal = Array.isArray(originalList);
  const hasPatch = Object.prototype.hasOwnProperty.call(patch, field) && patchList !== null;
  if (hasPatch && !Array.isArray(patchList)) {
    throw new PatchError(`${field}: patch value must be a list to go with ${orderPrefix}${field}`, { code: 'bad-set-element-order' });
  }
  const objects = orderList.some(isObject) || (Array.isArray(patchList) && patchList.some(isObject));
  const keyOf = (v: JsonValue): ItemKey => (objects ? (isObject(v) && mergeKey ? (v[mergeKey] as ItemKey) : undefined) : (v as ItemKey));
  if (objects && !mergeKey) throw new PatchError('cannot merge lists without merge key for type map', { code: 'no-merge-key' });
  if (Array.isArray(patchList)) checkOrderConsistent(patchList, orderList, keyOf);

  let merged: JsonValue[];
  if (!hasOriginal && !hasPatch) return;
  if (!hasPatch) merged = originalList as JsonValue[];
  else merged = mergeValue(hasOriginal ? originalList : undefined, patchList as JsonValue, node) as JsonValue[];
  if (!Array.isArray(merged)) return;
  setOwn(out, field, order(merged, orderList, hasOriginal ? (originalList as JsonValue[]) : [], keyOf));
}

/** The patch list's non-directive items must appear in the order list, in the same order. */
function checkOrderConsistent(patchList: JsonValue[], orderList: JsonValue[], keyOf: (v: JsonValue) => ItemKey): void {
  const items = patchList.filter((p) => !(isObject(p) && Object.prototype.hasOwnProperty.call(p, directive)));
  const orderKeys = orderList.map(keyOf);
  let at = 0;
  for (const p of items) {
    const i = orderKeys.indexOf(keyOf(p), at);
    if (i < 0) {
      throw new PatchError(`the order in patch list ${JSON.stringify(patchList)} doesn't match ${orderPrefix} list ${JSON.stringify(orderList)}`, { code: 'bad-set-element-order' });
    }
    at = i + 1;
  }
}
