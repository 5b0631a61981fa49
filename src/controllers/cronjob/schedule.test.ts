import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mostRecentTime, nextTime, parseSchedule, ScheduleParseError } from './schedule.js';
import { formatInZone } from './timezone.js';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? 'none' : new Date(ms).toISOString());

function nexts(schedule: string, from: string, n: number, tz = 'UTC'): string[] {
  const s = parseSchedule(schedule);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    t = nextTime(s, t, s.timeZone ?? tz)!;
    out.push(iso(t));
  }
  return out;
}

test('steps, ranges and lists', () => {
  assert.deepEqual(nexts('*/15 * * * *', '2026-03-01T10:07:00Z', 3), ['2026-03-01T10:15:00.000Z', '2026-03-01T10:30:00.000Z', '2026-03-01T10:45:00.000Z']);
  assert.deepEqual(nexts('0 9-17/4 * * *', '2026-03-01T10:00:00Z', 3), ['2026-03-01T13:00:00.000Z', '2026-03-01T17:00:00.000Z', '2026-03-02T09:00:00.000Z']);
  assert.deepEqual(nexts('5,10 0 * * *', '2026-03-01T00:05:00Z', 2), ['2026-03-01T00:10:00.000Z', '2026-03-02T00:05:00.000Z']);
  // "N/step" runs from N to the end of the range.
  assert.deepEqual(nexts('50/5 * * * *', '2026-03-01T00:00:00Z', 3), ['2026-03-01T00:50:00.000Z', '2026-03-01T00:55:00.000Z', '2026-03-01T01:50:00.000Z']);
});

test('an every-minute schedule fires on each whole minute, strictly after the time given', () => {
  assert.deepEqual(nexts('*/1 * * * *', '2026-03-01T10:00:00Z', 2), ['2026-03-01T10:01:00.000Z', '2026-03-01T10:02:00.000Z']);
  assert.deepEqual(nexts('* * * * *', '2026-03-01T10:00:30Z', 1), ['2026-03-01T10:01:00.000Z']);
});

test('descriptors and names', () => {
  assert.deepEqual(nexts('@hourly', '2026-03-01T10:20:00Z', 1), ['2026-03-01T11:00:00.000Z']);
  assert.deepEqual(nexts('@daily', '2026-03-01T10:20:00Z', 1), ['2026-03-02T00:00:00.000Z']);
  assert.deepEqual(nexts('@weekly', '2026-03-04T10:20:00Z', 1), ['2026-03-08T00:00:00.000Z']);
  assert.deepEqual(nexts('@monthly', '2026-03-04T10:20:00Z', 1), ['2026-04-01T00:00:00.000Z']);
  assert.deepEqual(nexts('@yearly', '2026-03-04T10:20:00Z', 1), ['2027-01-01T00:00:00.000Z']);
  assert.deepEqual(nexts('0 12 * JAN,jul MON-FRI', '2026-06-30T00:00:00Z', 1), ['2026-07-01T12:00:00.000Z']);
});

test('day of month and day of week: either when both are restricted, both when one is *', () => {
  // 2026-03-01 is a Sunday.
  assert.deepEqual(nexts('0 0 15 * 1', '2026-03-01T00:00:00Z', 3), ['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', '2026-03-15T00:00:00.000Z']);
  assert.deepEqual(nexts('0 0 * * 1', '2026-03-01T00:00:00Z', 1), ['2026-03-02T00:00:00.000Z']);
  assert.deepEqual(nexts('0 0 31 2 *', '2026-01-01T00:00:00Z', 1), ['none'], 'February 31st never comes');
});

test('time zones from the timeZone field or a TZ= prefix, across a DST change', () => {
  assert.deepEqual(nexts('TZ=Europe/Berlin 0 9 * * *', '2026-03-27T12:00:00Z', 3), ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
  assert.deepEqual(nexts('30 2 * * *', '2026-03-28T12:00:00Z', 1, 'America/New_York'), ['2026-03-29T06:30:00.000Z']);
  assert.equal(formatInZone(at('2026-03-28T08:00:00Z'), 'Europe/Berlin'), '2026-03-28T09:00:00+01:00');
  assert.equal(formatInZone(at('2026-03-28T08:00:00Z'), 'UTC'), '2026-03-28T08:00:00Z');
});

test('bad schedules are errors', () => {
  for (const bad of ['* * * *', '60 * * * *', '* * 0 * *', '*/0 * * * *', '@fortnightly', 'a * * * *', '5-2 * * * *']) {
    assert.throws(() => parseSchedule(bad), ScheduleParseError, bad);
  }
});

test('the most recent missed time, even with years of minutes missed', () => {
  const s = parseSchedule('*/1 * * * *');
  const r = mostRecentTime(s, at('2026-03-01T10:00:30Z'), at('2026-03-01T10:03:10Z'), 'UTC');
  assert.equal(iso(r.time), '2026-03-01T10:03:00.000Z');
  assert.equal(r.missed, 3);
  const long = mostRecentTime(s, at('2023-03-01T10:00:00Z'), at('2026-03-01T10:03:10Z'), 'UTC');
  assert.equal(iso(long.time), '2026-03-01T10:03:00.000Z');
  assert.ok(long.missed > 100);
  assert.equal(mostRecentTime(s, at('2026-03-01T10:00:00Z'), at('2026-03-01T10:00:59Z'), 'UTC').time, undefined);
});
