import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineAssembler, parseCriLine, parseTimestampNs, readCriLog } from './crilog.js';
import type { LogLine } from '../cri.js';

test('timestamps keep nanoseconds and honour offsets', () => {
  assert.equal(parseTimestampNs('2016-10-06T00:17:09.669794202Z'), Date.parse('2016-10-06T00:17:09Z') * 1e6 + 669794202);
  assert.equal(parseTimestampNs('2016-10-06T02:17:09.5+02:00'), Date.parse('2016-10-06T00:17:09Z') * 1e6 + 500000000);
  assert.ok(Number.isNaN(parseTimestampNs('yesterday')));
});

test('records parse, partial lines join per stream', () => {
  assert.deepEqual(parseCriLine('2016-10-06T00:17:09.669794202Z stdout F hello world'), { timestamp: parseTimestampNs('2016-10-06T00:17:09.669794202Z'), stream: 'stdout', partial: false, text: 'hello world' });
  assert.equal(parseCriLine('garbage'), null);
  assert.equal(parseCriLine('2016-10-06T00:17:09Z stdin F x'), null);
  const a = new LineAssembler();
  assert.equal(a.push(parseCriLine('2016-10-06T00:17:09Z stdout P hel')!), null);
  assert.deepEqual(a.push(parseCriLine('2016-10-06T00:17:10Z stderr F err')!)?.log, 'err');
  assert.deepEqual(a.push(parseCriLine('2016-10-06T00:17:11Z stdout F lo')!), { timestamp: parseTimestampNs('2016-10-06T00:17:09Z'), stream: 'stdout', log: 'hello' });
});

test('readCriLog: tail, since, follow across rotation until finished', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-crilog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'c.log');
  const line = (i: number) => `2020-01-01T00:00:0${i}.000000000Z stdout F line${i}\n`;
  writeFileSync(path, line(1) + line(2) + line(3));
  const all = async (opts: Parameters<typeof readCriLog>[1], done = async () => true) => {
    const out: LogLine[] = [];
    for await (const l of readCriLog(path, opts, done)) out.push(l);
    return out.map((l) => l.log);
  };
  assert.deepEqual(await all({}), ['line1', 'line2', 'line3']);
  assert.deepEqual(await all({ tail: 2 }), ['line2', 'line3']);
  assert.deepEqual(await all({ tail: 0 }), []);
  assert.deepEqual(await all({ sinceTime: parseTimestampNs('2020-01-01T00:00:02Z') }), ['line2', 'line3']);

  let finished = false;
  const followed = all({ follow: true }, async () => finished);
  setTimeout(() => appendFileSync(path, line(4)), 150);
  setTimeout(() => { renameSync(path, path + '.old'); writeFileSync(path, line(5)); }, 400);
  setTimeout(() => { finished = true; }, 700);
  assert.deepEqual(await followed, ['line1', 'line2', 'line3', 'line4', 'line5']);
});
