import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, BackoffStore, remainingBackoffMs } from './backoff.js';
import { formatIndexes, parseIndexes } from './indexes.js';

test('back-off doubles from 10 s and stops at 6 minutes', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 50].map(backoffDelayMs), [0, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000, 360_000]);
});

test('a success resets the failures counted for back-off', () => {
  const s = new BackoffStore();
  s.observe('u', 0, 2, 1000);
  assert.equal(remainingBackoffMs(s.get('u'), 1000), 20_000);
  assert.equal(remainingBackoffMs(s.get('u'), 15_000), 6_000);
  s.observe('u', 1, 0, 2000);
  assert.equal(remainingBackoffMs(s.get('u'), 2000), 0);
});

test('completed indexes print as ranges and parse back', () => {
  assert.equal(formatIndexes(new Set([0, 1, 2, 4, 6, 7])), '0-2,4,6-7');
  assert.deepEqual([...parseIndexes('0-2,4,6-7', 7)].sort(), [0, 1, 2, 4, 6]);
  assert.equal(formatIndexes(new Set()), '');
});
