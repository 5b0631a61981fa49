import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath, duplicate, formatBadValue, goQuote, goStringMap, goStringSlice, invalid, invalidMessage, notSupported, qualifiedKind, required, tooLong, tooMany } from './errors.js';

test('field paths print like Kubernetes', () => {
  const p = new FieldPath('spec').child('containers').index(0).child('resources', 'limits').key('cpu');
  assert.equal(p.toString(), 'spec.containers[0].resources.limits[cpu]');
});

test('error bodies', () => {
  assert.deepEqual(required('spec.containers'), { reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' });
  assert.equal(invalid('spec.replicas', -1, 'must be greater than or equal to 0').message, 'Invalid value: -1: must be greater than or equal to 0');
  assert.equal(invalid('x', { b: 1, a: 'z' }, 'bad').message, 'Invalid value: {"a":"z","b":1}: bad');
  assert.equal(notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']).message,
    'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
  assert.equal(duplicate('spec.containers[1].name', 'web').message, 'Duplicate value: "web"');
  assert.equal(tooLong('metadata.annotations', 262144).message, 'Too long: may not be more than 262144 bytes');
  assert.equal(tooMany('endpoints', 1001, 1000).message, 'Too many: 1001: must have at most 1000 items');
});

test('Go %q quoting', () => {
  assert.equal(goQuote('a"b\\c\n'), '"a\\"b\\\\c\\n"');
  assert.equal(goQuote('\u0001'), '"\\x01"');
  assert.equal(formatBadValue(true), 'true');
  assert.equal(formatBadValue(null), 'null');
});

test('invalidMessage: one error bare, several bracketed, repeats once', () => {
  const e1 = invalid('metadata.name', 'Bad_Name', 'oops');
  const e2 = required('spec.containers');
  assert.equal(invalidMessage('Pod', 'Bad_Name', [e1]), 'Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": oops');
  assert.equal(invalidMessage('Pod', 'Bad_Name', [e1, e2, e2]),
    'Pod "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": oops, spec.containers: Required value]');
  assert.equal(invalidMessage('Pod', 'x', []), 'Pod "x" is invalid');
  assert.equal(qualifiedKind({ group: 'apps', kind: 'Deployment' }), 'Deployment.apps');
  assert.equal(qualifiedKind({ group: '', kind: 'Pod' }), 'Pod');
});

test('Go-syntax values for maps and string slices, as Kubernetes 1.32 prints them', () => {
  assert.equal(invalid('x', goStringMap({ b: '2', a: '1' }), 'd').message, 'Invalid value: map[string]string{"a":"1", "b":"2"}: d');
  assert.equal(formatBadValue(goStringMap(undefined)), 'map[string]string(nil)');
  assert.equal(formatBadValue(goStringSlice(['10.0.0.1', 'fd00::1'])), '[]string{"10.0.0.1", "fd00::1"}');
  assert.equal(formatBadValue(goStringSlice([])), '[]string{}');
});
