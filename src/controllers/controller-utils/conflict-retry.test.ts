import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiStatusError } from '../../client/errors.js';
import type { KObject } from '../../client/types.js';
import { writeWithRebase } from './conflict-retry.js';

const conflict = () => new ApiStatusError({ code: 409, reason: 'Conflict', message: 'the object has been modified' }, 409);
const obj = (rv: string, generation: number, status: string): KObject => ({ metadata: { name: 'x', resourceVersion: rv, generation }, status });

test('a conflict with the same generation is retried once on the fresh object', async () => {
  const sent: KObject[] = [];
  let stored = obj('2', 1, 'theirs');
  const write = async (o: KObject) => {
    sent.push(o);
    if (o.metadata.resourceVersion !== stored.metadata.resourceVersion) throw conflict();
    stored = { ...o, metadata: { ...o.metadata, resourceVersion: '3' } };
    return stored;
  };
  const out = await writeWithRebase(obj('1', 1, 'mine'), write, async () => stored, (fresh, mine) => ({ ...fresh, status: mine.status }));
  assert.equal(out.status, 'mine');
  assert.deepEqual(sent.map((o) => o.metadata.resourceVersion), ['1', '2']);
});

test('a conflict after a spec change (new generation) stands', async () => {
  let calls = 0;
  const write = async () => {
    calls++;
    throw conflict();
  };
  await assert.rejects(writeWithRebase(obj('1', 1, 'mine'), write, async () => obj('2', 2, 'theirs'), (f) => f), /modified/);
  assert.equal(calls, 1);
  const notFound = new ApiStatusError({ code: 404, reason: 'NotFound', message: 'gone' }, 404);
  await assert.rejects(writeWithRebase(obj('1', 1, 'mine'), async () => Promise.reject(notFound), async () => obj('2', 1, 'x'), (f) => f), /gone/);
});
