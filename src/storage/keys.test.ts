import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareKeys, lowerBound, prefixEnd } from './keys.js';

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

test('compareKeys agrees with UTF-8 byte order', () => {
  const keys = ['', 'a', 'ab', 'b', '/a/', '/a0', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000',
    '\ufffd', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}', 'a\u{1F600}', 'a\uffff'];
  for (const a of keys) {
    for (const b of keys) assert.equal(Math.sign(compareKeys(a, b)), Math.sign(utf8Order(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
});

test('prefixEnd bounds exactly the keys that start with the prefix', () => {
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('/a/'), '/a0');
  assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
  assert.equal(prefixEnd('\u{10FFFF}'), undefined);
  assert.equal(prefixEnd('x\ud7ff'), 'x\ue000', 'skips the surrogate block');
  const prefix = '/p\uffff';
  const end = prefixEnd(prefix)!;
  for (const k of ['/p\uffff', '/p\uffff\u{10FFFF}zz', '/p\uffffa']) assert.ok(compareKeys(k, end) < 0, k);
  for (const k of ['/p\u{10000}', '/q']) assert.ok(compareKeys(k, end) >= 0, k);
});

test('lowerBound finds the first key not less than the probe', () => {
  const sorted = ['/a', '/b', '/b/1', '/c'];
  assert.equal(lowerBound(sorted, ''), 0);
  assert.equal(lowerBound(sorted, '/b'), 1);
  assert.equal(lowerBound(sorted, '/b/0'), 2);
  assert.equal(lowerBound(sorted, '/d'), 4);
});
