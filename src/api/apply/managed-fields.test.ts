import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime } from './managed-fields.js';

test('formatTime: RFC 3339 at second precision, a new second gives a new text', () => {
  assert.equal(formatTime(new Date('2026-12-02T00:28:29.123Z')), '2026-12-02T00:28:29Z');
  assert.equal(formatTime(new Date('2026-12-02T00:28:29.999Z')), '2026-12-02T00:28:29Z');
  assert.equal(formatTime(new Date('2026-12-02T00:28:30.000Z')), '2026-12-02T00:28:30Z');
  // Back to an earlier second (a test clock): not the kept text of the later one.
  assert.equal(formatTime(new Date('2026-12-02T00:28:29.500Z')), '2026-12-02T00:28:29Z');
  assert.equal(formatTime(new Date('1969-12-31T23:59:59.500Z')), '1969-12-31T23:59:59Z');
});

test('formatTime: an invalid date still throws, as toISOString does', () => {
  assert.throws(() => formatTime(new Date(Number.NaN)), RangeError);
});
