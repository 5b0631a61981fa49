import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { Expectations } from './expectations.js';

test('creations and deletions must be observed, each deleted pod once', () => {
  const clock = new FakeClock();
  const e = new Expectations(clock);
  assert.ok(e.satisfied('ns/rs'), 'nothing expected yet');
  e.expectCreations('ns/rs', 2);
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(e.satisfied('ns/rs'));

  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a'); // graceful deletion, then gone: counts once
  assert.ok(!e.satisfied('ns/rs'));
  e.deletionObserved('ns/rs', 'ns/other');
  assert.ok(!e.satisfied('ns/rs'));
  e.deletionObserved('ns/rs', 'ns/b');
  assert.ok(e.satisfied('ns/rs'));
});

test('expectations expire after five minutes', () => {
  const clock = new FakeClock();
  const e = new Expectations(clock);
  e.expectCreations('k', 3);
  clock.advance(5 * 60_000);
  assert.ok(!e.satisfied('k'));
  clock.advance(1);
  assert.ok(e.satisfied('k'));
  e.lowerCreations('k', 3);
  assert.deepEqual(e.pending('k'), { add: 0, del: 0 });
  e.delete('k');
  assert.equal(e.pending('k'), undefined);
});
