import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressPrinter } from './progress.js';

const d = `sha256:${'ab'.repeat(32)}`;

test('without a TTY: one line per layer state change', () => {
  let out = '';
  const p = new ProgressPrinter({ write: (s: string) => (out += s), isTTY: false });
  p.update({ reference: 'r', digest: d, status: 'waiting', done: 0, total: 2048 });
  p.update({ reference: 'r', digest: d, status: 'downloading', done: 1024, total: 2048 });
  p.update({ reference: 'r', digest: d, status: 'downloading', done: 2048, total: 2048 });
  p.update({ reference: 'r', digest: d, status: 'unpacked', done: 2048, total: 2048 });
  assert.equal(out, 'abababababab: downloading 1.0 KiB/2.0 KiB 50%\nabababababab: unpacked\n');
});

test('on a TTY: redraws in place, throttled while downloading', () => {
  let out = '';
  let now = 0;
  const p = new ProgressPrinter({ write: (s: string) => (out += s), isTTY: true }, () => now);
  p.update({ reference: 'r', digest: d, status: 'downloading', done: 1, total: 10 });
  p.update({ reference: 'r', digest: d, status: 'downloading', done: 2, total: 10 }); // within 100 ms: skipped
  now = 200;
  p.update({ reference: 'r', digest: d, status: 'downloading', done: 5, total: 10 });
  assert.equal(out, '\x1b[2Kabababababab: downloading 1 B/10 B 10%\n\x1b[1A\x1b[2Kabababababab: downloading 5 B/10 B 50%\n');
});
