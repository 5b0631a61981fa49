import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMarkers } from './markers.js';

const event = (seq: number): string => `{"type":"MODIFIED","object":{"metadata":{"annotations":{"marker-seq":"${seq}"}}}}\n`;

test('findMarkers: every complete marker once, across reads cut anywhere', () => {
  const text = Buffer.from(event(7) + event(12) + event(345));
  for (let cut = 1; cut < text.length; cut++) {
    const seen: number[] = [];
    const tail = findMarkers(text.subarray(0, cut), (s) => seen.push(s));
    findMarkers(Buffer.concat([tail, text.subarray(cut)]), (s) => seen.push(s));
    assert.deepEqual(seen, [7, 12, 345], `cut at ${cut}`);
  }
});

test('findMarkers: nothing in a read without markers, and only a short tail kept', () => {
  const seen: number[] = [];
  const tail = findMarkers(Buffer.from('x'.repeat(5000)), (s) => seen.push(s));
  assert.deepEqual(seen, []);
  assert.ok(tail.length < 20);
});
