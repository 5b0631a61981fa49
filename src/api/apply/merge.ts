// Merging an applied configuration into the live object, as structured-merge-diff does:
// maps and structs merge field by field, keyed lists and sets merge item by item, atomic
// lists and maps and scalars take the applied value. A null in the applied configuration
// removes the field. Item order: shared items follow the applied order, live-only items
// keep their place among them, new items come where the configuration puts them.
import { clone, getOwn, isObject, setOwn, type JsonObject, type JsonValue } from '../patch/json.js';
import { fieldNode, itemNode, type SchemaNode } from '../patch/schema-walk.js';
import { indexItems, isAtomicMap, itemElement, listKindOf } from './typed.js';

export function mergeApplied(live: JsonObject, applied: JsonObject, node: SchemaNode): JsonObject {
  return mergeValue(live, applied, node) as JsonObject;
}

function mergeValue(live: JsonValue | undefined, applied: JsonValue, node: SchemaNode): JsonValue {
  if (isObject(applied) && isObject(live) && !isAtomicMap(node)) {
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else setOwn(out, k, mergeValue(getOwn(live, k), v, fieldNode(node, k)));
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const kind = listKindOf(node);
    if (kind.kind !== 'atomic') return mergeList(live, applied, node);
  }
  return dropNulls(clone(applied));
}

/** New subtrees come from the configuration, whose nulls mean "absent". */
function dropNulls(v: JsonValue): JsonValue {
  if (isObject(v)) {
    for (const [k, c] of Object.entries(v)) {
      if (c === null) delete v[k];
      else v[k] = dropNulls(c);
    }
  } else if (Array.isArray(v)) {
    v.forEach((c, i) => (v[i] = dropNulls(c)));
  }
  return v;
}

function mergeList(live: JsonValue[], applied: JsonValue[], node: SchemaNode): JsonValue[] {
  const kind = listKindOf(node);
  const items = itemNode(node);
  const liveEls = live.map((v, i) => itemElement(v, i, kind, items));
  const appliedEls = applied.map((v, i) => itemElement(v, i, kind, items));
  const liveByEl = indexItems(live, kind, items, false, '');
  const appliedByEl = indexItems(applied, kind, items, true, '');
  // Shared items, in the configuration's order: the next one due tells which live items
  // may be emitted in their own place and which must wait for the configuration.
  const shared = appliedEls.filter((el) => liveByEl.has(el));
  let nextShared = 0;
  const done = new Set<string>();
  const out: JsonValue[] = [];
  const emit = (el: string): void => {
    done.add(el);
    const a = appliedByEl.get(el) as JsonValue;
    out.push(liveByEl.has(el) ? mergeValue(liveByEl.get(el), a, items) : dropNulls(clone(a)));
    if (shared[nextShared] === el) nextShared++;
  };
  let li = 0;
  let ri = 0;
  while (li < live.length || ri < applied.length) {
    if (li < live.length && ri < applied.length) {
      const el = liveEls[li];
      if (el === appliedEls[ri]) {
        emit(el);
        li++;
        ri++;
        continue;
      }
      // A shared item that is not the next one due waits for the configuration to name it.
      if (appliedByEl.has(el) && nextShared < shared.length && shared[nextShared] !== el) {
        li++;
        continue;
      }
    }
    if (li < live.length) {
      const el = liveEls[li];
      if (!appliedByEl.has(el)) {
        out.push(live[li]);
        li++;
        continue;
      }
      if (done.has(el)) {
        li++;
        continue;
      }
    }
    if (ri < applied.length) {
      const el = appliedEls[ri++];
      if (!done.has(el)) emit(el);
    } else {
      li++;
    }
  }
  return out;
}
