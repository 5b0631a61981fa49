import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SliceWriteTracker } from './tracker.js';
import type { EndpointSliceObj } from './apply.js';

const slice = (name: string, rv: string): EndpointSliceObj => ({ metadata: { name, resourceVersion: rv } }) as EndpointSliceObj;

test('a service is current only once the cache shows its created, updated and deleted slices; old writes stop holding it back', () => {
  let now = 0;
  const t = new SliceWriteTracker({ now: () => now } as never, 5000);
  assert.equal(t.isCurrent('ns/web', []), true, 'nothing written');
  t.created('ns/web', 'web-a');
  t.updated('ns/web', 'web-b', '20');
  t.deleted('ns/web', 'web-c');
  assert.equal(t.isCurrent('ns/web', [slice('web-b', '20'), slice('web-c', '9')]), false, 'created slice not seen yet');
  assert.equal(t.isCurrent('ns/web', [slice('web-a', '21'), slice('web-b', '19')]), false, 'update not seen yet');
  assert.equal(t.isCurrent('ns/web', [slice('web-a', '21'), slice('web-b', '20'), slice('web-c', '9')]), false, 'deleted slice still cached');
  assert.equal(t.isCurrent('ns/other', []), true, 'other services are not held back');
  assert.equal(t.isCurrent('ns/web', [slice('web-a', '21'), slice('web-b', '22')]), true);
  assert.equal(t.isCurrent('ns/web', []), true, 'expectations met are forgotten');
  t.created('ns/web', 'web-d');
  now = 6000;
  assert.equal(t.isCurrent('ns/web', []), true, 'a write someone else undid holds syncs back only for a while');
});
