import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelAbandonedError, ChunkChannel } from './chunk-channel.js';

test('chunks arrive in order, coalesced, and the producer waits above the high-water mark', async () => {
  const ch = new ChunkChannel(10);
  let pushed = 0;
  const producer = (async () => {
    for (let i = 0; i < 5; i++) {
      await ch.push(Buffer.from([i, i, i, i, i, i]));
      pushed++;
    }
    ch.end();
  })();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(pushed, 1, 'second push (12 bytes queued > 10) waits for the consumer');
  const got: number[] = [];
  for await (const c of ch) got.push(...c);
  await producer;
  assert.deepEqual(got, [0, 1, 2, 3, 4].flatMap((i) => Array(6).fill(i)));
});

test('a consumer that stops abandons the channel; pushes no longer block', async () => {
  const ch = new ChunkChannel(4);
  const consumer = (async () => {
    for await (const _ of ch) break;
  })();
  await ch.push(Buffer.alloc(3));
  await consumer;
  for (let i = 0; i < 10; i++) await ch.push(Buffer.alloc(100)); // would hang if not abandoned
  ch.end();
});

test('a producer failure reaches the consumer', async () => {
  const ch = new ChunkChannel();
  await ch.push(Buffer.from('a'));
  ch.fail(new Error('cut'));
  await assert.rejects((async () => {
    for await (const _ of ch) { /* drain */ }
  })(), /cut/);
});

test('a producer that abandons (its download restarted) fails the waiting consumer at once', async () => {
  const ch = new ChunkChannel();
  await ch.push(Buffer.from('partial'));
  const reading = (async () => {
    const got: Buffer[] = [];
    for await (const c of ch) got.push(c);
    return got;
  })();
  await new Promise((r) => setTimeout(r, 5));
  ch.abandon();
  await assert.rejects(reading, ChannelAbandonedError);
});
