// RFC 6902 JSON patch: a list of add/remove/replace/move/copy/test operations applied in
// order to a copy of the document; if any operation fails, the whole patch fails and the
// input is untouched. See errors.ts for the HTTP status of each failure.
import { PatchError } from './errors.js';
import { clone, deepEqual, isObject, setOwn, type JsonObject, type JsonValue } from './json.js';
import { arrayIndex, parsePointer } from './json-pointer.js';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** kube-apiserver refuses JSON patches with more operations than this (413). */
export const maxJsonPatchOperations = 10000;

/**
 * Checks that a parsed request body is a JSON patch document. A body that is not an array
 * of objects is a 400; an object without a valid op is a 422, as in kube-apiserver (which
 * only finds out when applying).
 */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body) || !body.every(isObject)) {
    throw new PatchError('json: cannot unmarshal patch: a JSON patch must be an array of operation objects', { status: 400, code: 'bad-document' });
  }
  if (body.length > maxJsonPatchOperations) {
    throw new PatchError(`The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${body.length}`, { status: 413, code: 'too-many-operations' });
  }
  return body.map((raw, i) => decodeOperation(raw, i));
}

function decodeOperation(raw: JsonObject, i: number): JsonPatchOperation {
  const where = `operation ${i}`;
  const str = (field: string): string => {
    const v = raw[field];
    if (typeof v !== 'string') throw new PatchError(`${where}: "${field}" must be a string`, { code: 'bad-operation' });
    return v;
  };
  const op = raw.op;
  switch (op) {
    case 'add':
    case 'replace':
    case 'test':
      // A missing value is an error, but an explicit null is a value.
      if (!Object.prototype.hasOwnProperty.call(raw, 'value')) {
        throw new PatchError(`${where} (${op}): missing "value"`, { code: 'bad-operation' });
      }
      return { op, path: str('path'), value: raw.value };
    case 'remove':
      return { op, path: str('path') };
    case 'move':
    case 'copy':
      return { op, from: str('from'), path: str('path') };
    default:
      throw new PatchError(`${where}: unexpected op ${JSON.stringify(op ?? null)} (want add, remove, replace, move, copy or test)`, { code: 'bad-operation' });
  }
}

/** Applies a JSON patch (already parsed, raw or decoded) and returns the new document. */
export function applyJsonPatch(doc: JsonValue, patch: unknown): JsonValue {
  const ops = decodeJsonPatch(patch);
  let out = clone(doc);
  ops.forEach((op, i) => {
    try {
      out = applyOperation(out, op);
    } catch (err) {
      if (err instanceof PatchError) {
        throw new PatchError(`${op.op} operation ${i} does not apply: ${err.message}`, { status: err.status, code: err.code, cause: err });
      }
      throw err;
    }
  });
  return out;
}

function applyOperation(doc: JsonValue, op: JsonPatchOperation): JsonValue {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, clone(op.value));
    case 'remove':
      return remove(doc, op.path).doc;
    case 'replace': {
      get(doc, op.path); // must exist
      if (op.path === '') return clone(op.value);
      return add(remove(doc, op.path).doc, op.path, clone(op.value));
    }
    case 'move': {
      if (op.path === op.from) {
        get(doc, op.from);
        return doc;
      }
      if (op.path.startsWith(op.from + '/')) {
        throw new PatchError(`cannot move ${JSON.stringify(op.from)} into its own child ${JSON.stringify(op.path)}`, { code: 'move-into-child' });
      }
      const removed = remove(doc, op.from);
      return add(removed.doc, op.path, removed.value);
    }
    case 'copy':
      return add(doc, op.path, clone(get(doc, op.from)));
    case 'test': {
      // As in kube-apiserver's JSON patch library, testing an absent object key for
      // null succeeds.
      if (op.value === null && absentObjectKey(doc, op.path)) return doc;
      const actual = get(doc, op.path);
      if (!deepEqual(actual, op.value)) {
        throw new PatchError(`test failed: value at ${JSON.stringify(op.path)} is ${JSON.stringify(actual)}, not ${JSON.stringify(op.value)}`, { code: 'test-failed' });
      }
      return doc;
    }
  }
}

/** The value at a pointer; throws if any step is missing. */
function get(doc: JsonValue, pointer: string): JsonValue {
  let cur: JsonValue = doc;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(token, pointer);
      if (i === undefined || i >= cur.length) throw missing(pointer);
      cur = cur[i];
    } else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, token)) {
      cur = cur[token];
    } else {
      throw missing(pointer);
    }
  }
  return cur;
}

function absentObjectKey(doc: JsonValue, pointer: string): boolean {
  try {
    const p = parent(doc, pointer);
    return p !== undefined && isObject(p.container) && !Object.prototype.hasOwnProperty.call(p.container, p.token);
  } catch {
    return false;
  }
}

/** Parent container of the pointer's target and the last token; the root has no parent. */
function parent(doc: JsonValue, pointer: string): { container: JsonValue; token: string } | undefined {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return undefined;
  const last = tokens[tokens.length - 1];
  let cur: JsonValue = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(token, pointer);
      if (i === undefined || i >= cur.length) throw missing(pointer);
      cur = cur[i];
    } else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, token)) {
      cur = cur[token];
    } else {
      throw missing(pointer);
    }
  }
  return { container: cur, token: last };
}

function add(doc: JsonValue, pointer: string, value: JsonValue): JsonValue {
  const p = parent(doc, pointer);
  if (!p) return value; // "" replaces the whole document
  const { container, token } = p;
  if (Array.isArray(container)) {
    const i = arrayIndex(token, pointer) ?? container.length;
    if (i > container.length) {
      throw new PatchError(`index ${i} is out of bounds for an array of length ${container.length} at ${JSON.stringify(pointer)}`, { code: 'bad-index' });
    }
    container.splice(i, 0, value);
  } else if (isObject(container)) {
    setOwn(container, token, value);
  } else {
    throw new PatchError(`cannot add to ${JSON.stringify(pointer)}: parent is not an object or array`, { code: 'path-not-found' });
  }
  return doc;
}

function remove(doc: JsonValue, pointer: string): { doc: JsonValue; value: JsonValue } {
  const p = parent(doc, pointer);
  if (!p) throw new PatchError('cannot remove the whole document', { code: 'remove-root' });
  const { container, token } = p;
  if (Array.isArray(container)) {
    const i = arrayIndex(token, pointer);
    if (i === undefined || i >= container.length) throw missing(pointer);
    const [value] = container.splice(i, 1);
    return { doc, value };
  }
  if (isObject(container) && Object.prototype.hasOwnProperty.call(container, token)) {
    const value = container[token];
    delete container[token];
    return { doc, value };
  }
  throw missing(pointer);
}

function missing(pointer: string): PatchError {
  return new PatchError(`doc is missing path ${JSON.stringify(pointer)}`, { code: 'path-not-found' });
}
