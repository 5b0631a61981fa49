import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrainTracker, presenceOf } from './drain.js';
import { endpoint, slice } from './testing/fixtures.js';
import type { EndpointSlice } from './types.js';

test('presenceOf reads the conditions as the proxy does', () => {
  const slices = [
    slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8', { ready: false, serving: true, terminating: true })]),
    slice('db', [{ addresses: ['10.42.0.9'] }], 5432, 'db-x'),
  ];
  assert.equal(presenceOf(slices, '10.42.0.7'), 'ready');
  assert.equal(presenceOf(slices, '10.42.0.8'), 'listed');
  assert.equal(presenceOf(slices, '10.42.0.9'), 'ready', 'absent conditions mean ready');
  assert.equal(presenceOf(slices, '10.42.0.10'), 'absent');
  // Ready in one service's slice and terminating in another's: still ready somewhere.
  slices.push(slice('other', [endpoint('10.42.0.8')], 80, 'other-x'));
  assert.equal(presenceOf(slices, '10.42.0.8'), 'ready');
});

test('whenGone waits for the slice to drop readiness and for a ruleset rendered after it', async () => {
  let slices: EndpointSlice[] = [slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8')])];
  const d = new DrainTracker(() => slices);
  d.applied(d.snapshot());
  let answer: string | undefined;
  const p = d.whenGone('10.42.0.7').then((r) => { answer = r; });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(answer, undefined, 'still ready');

  slices = [slice('web', [endpoint('10.42.0.7', { ready: false, serving: true, terminating: true }), endpoint('10.42.0.8')])];
  d.changed();
  const gen = d.snapshot();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(answer, undefined, 'the kernel still has the older rules');
  d.applied(gen - 1);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(answer, undefined, 'a ruleset from before the change does not count');
  d.applied(gen);
  await p;
  assert.equal(answer, 'drained');
});

test('whenGone answers absent at once for an IP no slice lists, and aborted on the signal', async () => {
  const slices = [slice('web', [endpoint('10.42.0.7')])];
  const d = new DrainTracker(() => slices);
  d.applied(d.snapshot());
  assert.equal(await d.whenGone('10.42.0.99'), 'absent');
  const ac = new AbortController();
  const p = d.whenGone('10.42.0.7', ac.signal);
  setTimeout(() => ac.abort(), 20);
  assert.equal(await p, 'aborted');
  // Nothing applied yet: even an absent IP waits (the kernel's rules are unknown).
  const fresh = new DrainTracker(() => slices);
  const ac2 = new AbortController();
  setTimeout(() => ac2.abort(), 30); // AbortSignal.timeout would not keep the test alive
  assert.equal(await fresh.whenGone('10.42.0.99', ac2.signal), 'aborted');
});
