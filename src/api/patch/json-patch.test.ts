import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, decodeJsonPatch, maxJsonPatchOperations } from './json-patch.js';
import { PatchError } from './errors.js';
import { formatPointer, parsePointer } from './json-pointer.js';
import type { JsonValue } from './json.js';

const doc = (): JsonValue => ({ metadata: { labels: { app: 'web', 'a/b': 'x', 'c~d': 'y' } }, spec: { list: [1, 2, 3] } });

function patchError(fn: () => unknown, status: number, code: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PatchError, `expected PatchError, got ${String(err)}`);
    assert.equal(err.name, 'PatchError');
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    return true;
  });
}

test('json pointer escaping round-trips ~0 and ~1', () => {
  assert.deepEqual(parsePointer('/a~1b/c~0d/~01'), ['a/b', 'c~d', '~1']);
  assert.equal(formatPointer(['a/b', 'c~d', '~1']), '/a~1b/c~0d/~01');
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/'), ['']);
  patchError(() => parsePointer('a/b'), 422, 'bad-pointer');
  patchError(() => parsePointer('/a~2'), 422, 'bad-pointer');
});

test('add, remove and replace through escaped keys', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'replace', path: '/metadata/labels/a~1b', value: 'z' },
    { op: 'remove', path: '/metadata/labels/c~0d' },
    { op: 'add', path: '/metadata/labels/new', value: null },
  ]);
  assert.deepEqual((out as { metadata: unknown }).metadata, { labels: { app: 'web', 'a/b': 'z', new: null } });
});

test('array indexes: insert, append with -, remove, bounds', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'add', path: '/spec/list/0', value: 0 },
    { op: 'add', path: '/spec/list/-', value: 4 },
    { op: 'add', path: '/spec/list/5', value: 5 },
    { op: 'remove', path: '/spec/list/1' },
  ]);
  assert.deepEqual((out as { spec: unknown }).spec, { list: [0, 2, 3, 4, 5] });
  patchError(() => applyJsonPatch(doc(), [{ op: 'add', path: '/spec/list/9', value: 1 }]), 422, 'bad-index');
  patchError(() => applyJsonPatch(doc(), [{ op: 'add', path: '/spec/list/01', value: 1 }]), 422, 'bad-index');
  patchError(() => applyJsonPatch(doc(), [{ op: 'remove', path: '/spec/list/-' }]), 422, 'path-not-found');
  patchError(() => applyJsonPatch(doc(), [{ op: 'replace', path: '/spec/list/3', value: 1 }]), 422, 'path-not-found');
});

test('move and copy', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'copy', from: '/spec/list', path: '/spec/copy' },
    { op: 'move', from: '/metadata/labels/app', path: '/spec/app' },
    { op: 'add', path: '/spec/copy/-', value: 9 },
  ]) as { spec: Record<string, unknown>; metadata: { labels: Record<string, unknown> } };
  assert.deepEqual(out.spec, { list: [1, 2, 3], copy: [1, 2, 3, 9], app: 'web' });
  assert.equal(out.metadata.labels.app, undefined);
  patchError(() => applyJsonPatch(doc(), [{ op: 'move', from: '/spec', path: '/spec/inner' }]), 422, 'move-into-child');
  patchError(() => applyJsonPatch(doc(), [{ op: 'copy', from: '/nope', path: '/x' }]), 422, 'path-not-found');
});

test('test op compares structurally and fails the whole patch', () => {
  const input = doc();
  const ok = applyJsonPatch(input, [{ op: 'test', path: '/spec', value: { list: [1, 2, 3] } }, { op: 'replace', path: '/spec/list', value: [] }]);
  assert.deepEqual((ok as { spec: unknown }).spec, { list: [] });
  patchError(() => applyJsonPatch(input, [{ op: 'remove', path: '/spec' }, { op: 'test', path: '/metadata/labels/app', value: 'db' }]), 422, 'test-failed');
  // Atomic: the failed patch left the input alone.
  assert.deepEqual(input, doc());
});

test('whole-document operations', () => {
  assert.deepEqual(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: { a: 1 } }]), { a: 1 });
  assert.deepEqual(applyJsonPatch(doc(), [{ op: 'add', path: '', value: [1] }]), [1]);
  patchError(() => applyJsonPatch(doc(), [{ op: 'remove', path: '' }]), 422, 'remove-root');
});

test('adding under a missing parent fails', () => {
  patchError(() => applyJsonPatch(doc(), [{ op: 'add', path: '/metadata/annotations/x', value: 'y' }]), 422, 'path-not-found');
  patchError(() => applyJsonPatch(doc(), [{ op: 'add', path: '/metadata/labels/app/x', value: 'y' }]), 422, 'path-not-found');
});

test('malformed documents are 400, bad operations 422, too many 413', () => {
  patchError(() => decodeJsonPatch({ op: 'add' }), 400, 'bad-document');
  patchError(() => decodeJsonPatch([1]), 400, 'bad-document');
  patchError(() => decodeJsonPatch([{ op: 'frob', path: '/a' }]), 422, 'bad-operation');
  patchError(() => decodeJsonPatch([{ op: 'add', path: '/a' }]), 422, 'bad-operation');
  patchError(() => decodeJsonPatch([{ op: 'move', path: '/a' }]), 422, 'bad-operation');
  const many = Array.from({ length: maxJsonPatchOperations + 1 }, () => ({ op: 'test', path: '', value: 1 }));
  patchError(() => decodeJsonPatch(many), 413, 'too-many-operations');
  assert.deepEqual(decodeJsonPatch([{ op: 'add', path: '/a', value: null }]), [{ op: 'add', path: '/a', value: null }]);
});

test('error messages name the operation and the path', () => {
  try {
    applyJsonPatch(doc(), [{ op: 'test', path: '/spec/list/0', value: 1 }, { op: 'replace', path: '/spec/x', value: 1 }]);
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof PatchError);
    assert.match(err.message, /replace operation 1 does not apply: doc is missing path "\/spec\/x"/);
  }
});

test('adding a "__proto__" key creates a property, not a prototype', () => {
  const out = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__']);
  assert.equal((out as { polluted?: boolean }).polluted, undefined);
});

test('testing an absent key for null succeeds, as in kube-apiserver', () => {
  assert.deepEqual(applyJsonPatch({ a: {} }, [{ op: 'test', path: '/a/b', value: null }]), { a: {} });
  patchError(() => applyJsonPatch({ a: {} }, [{ op: 'test', path: '/a/b/c', value: null }]), 422, 'path-not-found');
  patchError(() => applyJsonPatch({ a: [] }, [{ op: 'test', path: '/a/0', value: null }]), 422, 'path-not-found');
  patchError(() => applyJsonPatch({ a: {} }, [{ op: 'test', path: '/a/b', value: 1 }]), 422, 'path-not-found');
});
