import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CronParseError, nextCronTime, parseCronSchedule } from './cron.js';

test('parses fields, ranges, steps and names', () => {
  const s = parseCronSchedule('*/15 9-17 * JAN-MAR mon,fri');
  assert.deepEqual([...s.minutes], [0, 15, 30, 45]);
  assert.deepEqual([...s.hours], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual([...s.months], [1, 2, 3]);
  assert.deepEqual([...s.daysOfWeek], [1, 5]);
  assert.equal(s.domStar, true);
  assert.equal(parseCronSchedule('@hourly').minutes.size, 1);
});

test('errors worded like the cron parser', () => {
  const msg = (s: string): string => {
    try {
      parseCronSchedule(s);
      return '';
    } catch (e) {
      assert.ok(e instanceof CronParseError);
      return e.message;
    }
  };
  assert.equal(msg('foo'), 'expected exactly 5 fields, found 1: [foo]');
  assert.equal(msg('61 * * * *'), 'end of range (61) above maximum (59): 61');
  assert.equal(msg('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  assert.equal(msg('@weird'), 'unrecognized descriptor: @weird');
  assert.equal(msg('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
});

test('next fire time', () => {
  const at = new Date('2026-01-01T10:07:30Z');
  assert.equal(nextCronTime(parseCronSchedule('*/15 * * * *'), at)?.toISOString(), '2026-01-01T10:15:00.000Z');
  assert.equal(nextCronTime(parseCronSchedule('0 0 * * *'), at)?.toISOString(), '2026-01-02T00:00:00.000Z');
  // 2026-01-05 is a Monday.
  assert.equal(nextCronTime(parseCronSchedule('30 8 * * 1'), at)?.toISOString(), '2026-01-05T08:30:00.000Z');
  // dom and dow both restricted: either matches.
  assert.equal(nextCronTime(parseCronSchedule('0 0 3 * 5'), at)?.toISOString(), '2026-01-02T00:00:00.000Z');
});

test('next fire time in a time zone', () => {
  const at = new Date('2026-01-01T10:07:30Z');
  // 09:00 in Tokyo (UTC+9) is 00:00 UTC.
  assert.equal(nextCronTime(parseCronSchedule('0 9 * * *'), at, 'Asia/Tokyo')?.toISOString(), '2026-01-02T00:00:00.000Z');
  // New York is UTC-5 in January and UTC-4 in July.
  assert.equal(nextCronTime(parseCronSchedule('0 9 * * *'), at, 'America/New_York')?.toISOString(), '2026-01-01T14:00:00.000Z');
  assert.equal(nextCronTime(parseCronSchedule('0 9 * * *'), new Date('2026-07-01T00:00:00Z'), 'America/New_York')?.toISOString(), '2026-07-01T13:00:00.000Z');
  assert.equal(nextCronTime(parseCronSchedule('TZ=Asia/Tokyo 0 9 * * *'), at)?.toISOString(), '2026-01-02T00:00:00.000Z');
});
