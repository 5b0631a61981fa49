import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartBatch } from './slow-start.js';

test('batches double (1, 2, 4, ...) and stop after a batch with a failure', async () => {
  const batches: number[] = [];
  let inFlight = 0;
  let wave = 0;
  const run = (failAt?: number) => {
    let calls = 0;
    return async () => {
      const n = ++calls;
      if (inFlight === 0) batches[wave++] = 0;
      inFlight++;
      batches[wave - 1]++;
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (n === failAt) throw new Error('quota');
    };
  };
  const ok = await slowStartBatch(10, 1, run());
  assert.deepEqual(ok, { successes: 10 });
  assert.deepEqual(batches, [1, 2, 4, 3]);

  batches.length = 0;
  wave = 0;
  const r = await slowStartBatch(10, 1, run(2));
  assert.equal(r.successes, 2);
  assert.equal((r.error as Error).message, 'quota');
  assert.deepEqual(batches, [1, 2], 'no batch after the failing one');
  assert.deepEqual(await slowStartBatch(0, 1, run()), { successes: 0 });
});
