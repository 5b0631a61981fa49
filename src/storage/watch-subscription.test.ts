import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WatchEvent } from './store.js';
import { WatchSubscription } from './watch-subscription.js';

const ev = (revision: number, key = `/k/${revision}`): WatchEvent =>
  ({ type: 'put', revision, kv: { key, value: 'v', createRevision: revision, modRevision: revision } });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a consumer that returns a promise gets the next batch only after it settles', async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const sub = new WatchSubscription('/k/', 0, {
    onEvents: (evs) => {
      batches.push(evs.map((e) => e.revision));
      return new Promise<void>((r) => { release = r; });
    },
  }, 100, () => {});
  sub.offer([ev(1), ev(2)]);
  await tick();
  sub.offer([ev(3)]);
  sub.offer([ev(4)]);
  await tick();
  assert.deepEqual(batches, [[1, 2]]);
  release();
  await tick();
  assert.deepEqual(batches, [[1, 2], [3, 4]]);
});

test('offer drops other prefixes and anything already seen', async () => {
  const got: number[] = [];
  const sub = new WatchSubscription('/k/', 5, { onEvents: (evs) => { got.push(...evs.map((e) => e.revision)); } }, 100, () => {});
  sub.offer([ev(4), ev(5), ev(6), ev(7, '/other'), ev(8)]);
  sub.offer([ev(8), ev(9)]);
  sub.advanceTo(12);
  sub.offer([ev(11), ev(13)]);
  await tick();
  assert.deepEqual(got, [6, 8, 9, 13]);
  assert.equal(sub.lastRevision, 13);
});

test('overflow ends the watch once, with WatchOverflowError, and tells the owner', async () => {
  let ended = 0;
  const errors: Error[] = [];
  const sub = new WatchSubscription('', 0, {
    onEvents: () => new Promise<void>(() => {}),
    onClose: (err) => { if (err) errors.push(err); },
  }, 3, () => { ended++; });
  sub.offer([ev(1)]);
  await tick();
  sub.offer([ev(2), ev(3), ev(4)]);
  assert.equal(sub.closed, false, 'three waiting is within the bound');
  sub.offer([ev(5)]);
  sub.offer([ev(6)]);
  await tick();
  assert.equal(sub.closed, true);
  assert.equal(ended, 1);
  assert.deepEqual(errors.map((e) => e.name), ['WatchOverflowError']);
});
