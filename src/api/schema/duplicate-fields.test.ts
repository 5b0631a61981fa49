import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateFieldMessage, findDuplicateFields } from './duplicate-fields.js';
import { cannotBeHandledMessage, strictDecodingMessage } from './unknown-fields.js';

test('finds repeated keys with their paths, at any depth', () => {
  const body = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","name":"b"},'
    + '"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"c"},{"name":"d","image":"x","image":"y"}]}},"replicas":2}}';
  assert.deepEqual(findDuplicateFields(body), ['.metadata.name', '.spec.template.spec.containers[1].image', '.spec.replicas']);
});

test('keys in different objects, escaped keys and strings with braces are not duplicates', () => {
  assert.deepEqual(findDuplicateFields('{"a":{"x":1},"b":{"x":"}{\\"x\\":"},"c":[{"x":1},{"x":2}],"\\u0061b":1,"ab":2}'), ['.ab']);
  assert.deepEqual(findDuplicateFields('{}'), []);
  assert.deepEqual(findDuplicateFields('[1, true, null, "s"]'), []);
});

test('malformed input ends the scan without throwing', () => {
  assert.deepEqual(findDuplicateFields('{"a":1,"a":'), ['.a']);
  assert.deepEqual(findDuplicateFields(''), []);
});

test('messages combine unknown and duplicate fields as kube-apiserver does', () => {
  assert.equal(duplicateFieldMessage('.spec.replicas'), 'duplicate field "spec.replicas"');
  assert.equal(strictDecodingMessage(['.spec.foo'], ['.spec.replicas']), 'strict decoding error: unknown field "spec.foo", duplicate field "spec.replicas"');
  assert.equal(cannotBeHandledMessage({ group: '', version: 'v1', kind: 'Pod' }, [], ['.metadata.name']),
    'Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "metadata.name"');
});
