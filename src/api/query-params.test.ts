import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryFlag, queryOptionalFlag } from './query-params.js';

test('boolean query parameters: present is true unless 0 or false in any case', () => {
  const q = new URLSearchParams('a=True&b=1&c=false&d=FALSE&e=0&f=&g=yes');
  assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'absent'].map((n) => queryFlag(q, n)), [true, true, false, false, false, true, true, false]);
  assert.equal(queryOptionalFlag(q, 'absent'), undefined);
  assert.equal(queryOptionalFlag(q, 'c'), false);
});
