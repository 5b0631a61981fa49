import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuantityParseError, canonicalQuantity, compareQuantities, milliQuantity, parseMilliQuantity, parseQuantity } from './quantity.js';

test('parses into base units', () => {
  assert.equal(parseQuantity('100m'), 0.1);
  assert.equal(parseQuantity('1Gi'), 1073741824);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('0.5'), 0.5);
  assert.equal(parseQuantity('1.5k'), 1500);
  assert.equal(parseQuantity(2), 2);
  assert.equal(parseQuantity('-1'), -1);
});

test('milli-units round up', () => {
  assert.equal(parseMilliQuantity('100m'), 100);
  assert.equal(parseMilliQuantity('2'), 2000);
  assert.equal(parseMilliQuantity('1n'), 1);
  assert.equal(milliQuantity(250), '250m');
  assert.equal(milliQuantity(2000), '2');
});

test('canonical formatting keeps the notation', () => {
  assert.equal(canonicalQuantity('1000m'), '1');
  assert.equal(canonicalQuantity('0.5'), '500m');
  assert.equal(canonicalQuantity('1500'), '1500');
  assert.equal(canonicalQuantity('2000'), '2k');
  assert.equal(canonicalQuantity('1024Mi'), '1Gi');
  assert.equal(canonicalQuantity('1.5Gi'), '1536Mi');
  assert.equal(canonicalQuantity('0.5Ki'), '512');
  assert.equal(canonicalQuantity('1e3'), '1e3');
  assert.equal(canonicalQuantity('0'), '0');
  assert.equal(canonicalQuantity('1.0000000001'), '1000000001n');
});

test('rejects malformed quantities with Kubernetes\' message', () => {
  for (const bad of ['', 'abc', '1.2.3', '1Ki2', '1e', '+']) {
    assert.throws(() => parseQuantity(bad), (e: unknown) => e instanceof QuantityParseError && /regular expression/.test(e.message), bad);
  }
});

test('compares', () => {
  assert.equal(compareQuantities('1', '1000m'), 0);
  assert.equal(compareQuantities('500m', '1'), -1);
  assert.equal(compareQuantities('1Gi', '1G'), 1);
});
