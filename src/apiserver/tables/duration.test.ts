import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, since } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration follows duration.HumanDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'], [5 * s, '5s'], [119 * s, '119s'], [150 * s, '2m30s'], [3 * m, '3m'], [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'], [179 * m, '179m'], [3 * h, '3h'], [3 * h + 15 * m, '3h15m'], [8 * h + 5 * m, '8h'],
    [47 * h, '47h'], [48 * h, '2d'], [2 * d + 5 * h, '2d5h'], [8 * d, '8d'], [400 * d, '400d'], [730 * d, '2y'],
    [800 * d, '2y70d'], [3000 * d, '8y'], [-1500, '0s'], [-2500, '<invalid>'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('since', () => {
  const now = new Date('2026-01-01T00:05:00Z');
  assert.equal(since('2026-01-01T00:00:00Z', now), '5m');
  assert.equal(since(undefined, now), '<unknown>');
  assert.equal(since('garbage', now), '<unknown>');
});
