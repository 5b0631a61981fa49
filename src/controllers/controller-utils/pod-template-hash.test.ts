import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePodTemplateHash, fnv32a, safeEncodeString } from './pod-template-hash.js';
import { semanticEqual } from './canonical.js';

const enc = (s: string) => new TextEncoder().encode(s);

test('fnv32a matches the FNV-1a reference values', () => {
  assert.equal(fnv32a(enc('')), 0x811c9dc5);
  assert.equal(fnv32a(enc('a')), 0xe40c292c);
  assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
});

test('safeEncodeString maps digits as Kubernetes does', () => {
  // '0'..'9' are 48..57; modulo 27 they pick "456789bcdf".
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });

test('the hash is stable, in the safe alphabet, and follows the template', () => {
  const h = computePodTemplateHash(template('busybox'));
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(computePodTemplateHash(template('busybox')), h);
  assert.notEqual(computePodTemplateHash(template('busybox:1.36')), h);
  // Key order and unset (null, empty) fields do not matter.
  const reordered = { spec: { containers: [{ image: 'busybox', name: 'c', args: [] }], volumes: null }, metadata: { annotations: {}, labels: { app: 'web' } } };
  assert.equal(computePodTemplateHash(reordered as never), h);
});

test('collisionCount gives another hash, and each count its own', () => {
  const t = template('busybox');
  const h0 = computePodTemplateHash(t);
  const h1 = computePodTemplateHash(t, 1);
  const h2 = computePodTemplateHash(t, 2);
  assert.notEqual(h1, h0);
  assert.notEqual(h2, h1);
  assert.equal(computePodTemplateHash(t, 1), h1);
  // A count of 0 is still hashed in (Kubernetes writes the bytes whenever the field is set).
  assert.notEqual(computePodTemplateHash(t, 0), h0);
});

test('semantic equality treats absent, null and empty alike but not different values', () => {
  assert.ok(semanticEqual({ a: 1, b: [] }, { a: 1 }));
  assert.ok(semanticEqual({ a: { b: null } }, {}));
  assert.ok(!semanticEqual({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!semanticEqual({ a: 0 }, {}));
});
