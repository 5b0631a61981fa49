import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartLimit } from './start-limit.js';

const tick = () => new Promise((r) => setImmediate(r));

test('no more than size run at once, the rest in arrival order', async () => {
  const limit = new StartLimit(2);
  const gates: (() => void)[] = [];
  const started: number[] = [];
  let peak = 0;
  let now = 0;
  const runs = [0, 1, 2, 3].map((i) => limit.run(async () => {
    started.push(i);
    peak = Math.max(peak, ++now);
    await new Promise<void>((r) => gates.push(r));
    now--;
    return i;
  }));
  await tick();
  assert.deepEqual(started, [0, 1]);
  assert.equal(limit.waiting, 2);
  gates.shift()!();
  await tick();
  await tick();
  assert.deepEqual(started, [0, 1, 2]);
  while (gates.length || started.length < 4) {
    gates.shift()?.();
    await tick();
  }
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(peak, 2);
});

test('a failing run frees its slot', async () => {
  const limit = new StartLimit(1);
  await assert.rejects(limit.run(async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await limit.run(async () => 7), 7);
});

test('size 0 does not limit', async () => {
  const limit = new StartLimit(0);
  let now = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 5 }, () => limit.run(async () => { peak = Math.max(peak, ++now); await tick(); now--; })));
  assert.equal(peak, 5);
});
