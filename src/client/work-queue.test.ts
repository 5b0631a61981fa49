import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { ExponentialBackoffLimiter } from './rate-limiter.js';
import { WorkQueue } from './work-queue.js';

test('keys added twice while waiting are handed out once', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.len(), 0);
});

test('a key re-added while in flight is not handed out again until done', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'held back while in flight');
  let second: string | undefined;
  void q.get().then((v) => (second = v));
  await new Promise((r) => setImmediate(r));
  assert.equal(second, undefined, 'no second worker gets it concurrently');
  q.done('a');
  await new Promise((r) => setImmediate(r));
  assert.equal(second, 'a', 'processed again after done');
  q.done('a');
  assert.equal(q.len(), 0, 'only once more, however often it was re-added');
});

test('a waiting get is woken by add, and shutDown answers undefined', async () => {
  const q = new WorkQueue<string>();
  const p = q.get();
  q.add('x');
  assert.equal(await p, 'x');
  const p2 = q.get();
  q.shutDown();
  assert.equal(await p2, undefined);
  q.add('y');
  assert.equal(await q.get(), undefined);
});

test('addAfter delivers after the delay and keeps the earliest time', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('a', 1000);
  q.addAfter('a', 5000);
  clock.advance(999);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  clock.advance(10_000);
  assert.equal(q.len(), 0, 'the later duplicate was dropped');
  q.addAfter('b', 5000);
  q.addAfter('b', 100);
  clock.advance(100);
  assert.equal(q.len(), 1, 'an earlier time replaces a later one');
});

test('addRateLimited backs off exponentially per key until forget', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, baseMs: 5, capMs: 40 });
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    const before = q.len();
    q.addRateLimited('a');
    let waited = 0;
    while (q.len() === before && waited < 1000) {
      clock.advance(1);
      waited++;
    }
    delays.push(waited);
    q.done((await q.get())!);
  }
  assert.deepEqual(delays, [5, 10, 20, 40, 40, 40]);
  assert.equal(q.numRequeues('a'), 6);
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
});

test('default limiter: 5 ms doubling, capped at 1000 s, independent per key', () => {
  const l = new ExponentialBackoffLimiter<string>();
  assert.equal(l.when('a'), 5);
  assert.equal(l.when('a'), 10);
  assert.equal(l.when('b'), 5);
  for (let i = 0; i < 100; i++) l.when('a');
  assert.equal(l.when('a'), 1_000_000);
});

test('shutDown cancels delayed keys', () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('a', 10);
  q.shutDown();
  assert.equal(clock.pending(), 0);
});
