import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecord, parseCriLogLine, parseRfc3339Ns, streamCriLog, tailRecords } from './cri-log.js';

const l = (t: string, stream: string, tag: string, text: string) => `2016-10-06T00:17:${t}Z ${stream} ${tag} ${text}\n`;

test('CRI log lines parse; junk is skipped', () => {
  const r = parseCriLogLine('2016-10-06T00:17:09.669794202Z stdout F msg with  spaces');
  assert.deepEqual(r && { ...r, timestampNs: undefined }, { time: '2016-10-06T00:17:09.669794202Z', timestampNs: undefined, stream: 'stdout', partial: false, text: 'msg with  spaces' });
  assert.equal(r?.timestampNs, Date.UTC(2016, 9, 6, 0, 17, 9) * 1e6 + 669794202);
  assert.equal(parseCriLogLine('2016-10-06T00:17:09Z stderr P part')?.partial, true);
  assert.equal(parseCriLogLine('2016-10-06T00:17:09Z stdout F')?.text, '');
  assert.equal(parseCriLogLine('garbage'), null);
  assert.equal(parseCriLogLine('notatime stdout F x'), null);
  assert.equal(parseCriLogLine('2016-10-06T00:17:09Z stdin F x'), null);
  assert.ok(Number.isNaN(parseRfc3339Ns('2016-10-06')));
  assert.equal(formatRecord(parseCriLogLine('2016-10-06T00:17:09.5Z stdout P ab')!, true), '2016-10-06T00:17:09.5Z ab');
});

test('tail counts full lines, keeping the partials that start them', () => {
  const recs = ['01 stdout F a', '02 stdout P b1', '03 stdout F b2', '04 stdout F c'].map((s) => parseCriLogLine(`2016-10-06T00:17:${s.slice(0, 2)}Z ${s.slice(3)}`)!);
  assert.deepEqual(tailRecords(recs, 2).map((r) => r.text), ['b1', 'b2', 'c']);
  assert.deepEqual(tailRecords(recs, 1).map((r) => r.text), ['c']);
  assert.deepEqual(tailRecords(recs, 10).length, 4);
  assert.deepEqual(tailRecords(recs, 0), []);
});

async function collect(path: string, opts: Parameters<typeof streamCriLog>[1], running?: () => Promise<boolean>): Promise<string> {
  let out = '';
  await streamCriLog(path, opts, (c) => { out += c; }, running);
  return out;
}

test('tailLines, sinceTime, timestamps, limitBytes and stream over a file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-crilog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, '0.log');
  await writeFile(path, l('01', 'stdout', 'F', 'one') + l('02', 'stderr', 'F', 'two') + 'broken line\n' + l('03', 'stdout', 'P', 'thr') + l('04', 'stdout', 'F', 'ee') + l('05', 'stdout', 'F', 'four'));
  assert.equal(await collect(path, {}), 'one\ntwo\nthree\nfour\n');
  assert.equal(await collect(path, { tailLines: 2 }), 'three\nfour\n');
  assert.equal(await collect(path, { tailLines: 0 }), '');
  assert.equal(await collect(path, { sinceNs: parseRfc3339Ns('2016-10-06T00:17:02Z') }), 'two\nthree\nfour\n');
  assert.equal(await collect(path, { timestamps: true, tailLines: 1 }), '2016-10-06T00:17:05Z four\n');
  assert.equal(await collect(path, { limitBytes: 6 }), 'one\ntw');
  assert.equal(await collect(path, { stream: 'stderr' }), 'two\n');
  assert.equal(await collect(join(dir, 'absent.log'), {}), '');
});

test('follow tails a growing file across a rotation and ends after the container exits', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-crilog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, '0.log');
  await writeFile(path, l('01', 'stdout', 'F', 'a'));
  let running = true;
  let out = '';
  const done = streamCriLog(path, { follow: true, pollMs: 20 }, (c) => { out += c; }, async () => running);
  const until = async (s: string) => { for (let i = 0; i < 500 && !out.includes(s); i++) await new Promise((r) => setTimeout(r, 20)); assert.ok(out.includes(s), `waiting for ${s}, have ${JSON.stringify(out)}`); };
  await until('a\n');
  await appendFile(path, l('02', 'stdout', 'F', 'b'));
  await until('b\n');
  // Rotation: the writer moves the file away and starts a new one.
  await rename(path, `${path}.1`);
  await writeFile(path, l('03', 'stdout', 'F', 'c'));
  await until('c\n');
  await appendFile(path, l('04', 'stdout', 'F', 'd'));
  running = false;
  await done;
  assert.equal(out, 'a\nb\nc\nd\n');
});

test('follow stops when aborted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-crilog-'));
  try {
    const path = join(dir, '0.log');
    await writeFile(path, l('01', 'stdout', 'F', 'a'));
    const ac = new AbortController();
    const done = streamCriLog(path, { follow: true, pollMs: 20, signal: ac.signal }, () => {}, async () => true);
    setTimeout(() => ac.abort(), 100);
    await done;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
