import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/index.js';
import { Backoff } from './backoff.js';

test('back-off: first retry at once, then 10 s doubling to 5 min; forgotten after 10 min idle', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  assert.equal(b.isInBackOffSince('k', clock.now()), false);
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    b.next('k');
    delays.push(b.delay('k'));
  }
  assert.deepEqual(delays, [10, 20, 40, 80, 160, 300, 300, 300].map((s) => s * 1000));
  const finished = clock.now();
  assert.equal(b.isInBackOffSince('k', finished), true);
  clock.advance(299_000);
  assert.equal(b.isInBackOffSince('k', finished), true);
  clock.advance(2_000);
  assert.equal(b.isInBackOffSince('k', finished), false);
  clock.advance(600_000);
  assert.equal(b.delay('k'), 0, 'entry expired');
  b.next('k');
  assert.equal(b.delay('k'), 10_000);
  b.resetPrefix('k');
  assert.equal(b.delay('k'), 0);
});
