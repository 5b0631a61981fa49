import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countHealthy, desiredHealthy, disruptionTimeoutMs, liveDisruptions, needsScale } from './budget.js';

test('desired healthy from minAvailable and maxUnavailable, ints and percentages (rounded up)', () => {
  assert.equal(desiredHealthy({ minAvailable: 2 }, 5), 2);
  assert.equal(desiredHealthy({ minAvailable: '50%' }, 5), 3);
  assert.equal(desiredHealthy({ maxUnavailable: 1 }, 5), 4);
  assert.equal(desiredHealthy({ maxUnavailable: '34%' }, 3), 1);
  assert.equal(desiredHealthy({ maxUnavailable: 10 }, 3), 0);
  assert.equal(desiredHealthy({}, 3), 0);
  assert.ok(!needsScale({ minAvailable: 2 }));
  assert.ok(needsScale({ minAvailable: '50%' }));
  assert.ok(needsScale({ maxUnavailable: 0 }));
});

test('disruptedPods entries last until the pod is deleted or the timeout passes', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  const disrupted = { fresh: '2026-01-01T00:09:30Z', old: '2026-01-01T00:00:00Z', deleting: '2026-01-01T00:09:30Z', missing: '2026-01-01T00:09:30Z' };
  const pods = [
    { name: 'fresh', deleting: false, ready: true },
    { name: 'old', deleting: false, ready: true },
    { name: 'deleting', deleting: true, ready: true },
    { name: 'other', deleting: false, ready: true },
    { name: 'unready', deleting: false, ready: false },
  ];
  const { kept, recheckAt } = liveDisruptions(disrupted, pods, now);
  assert.deepEqual(kept, { fresh: '2026-01-01T00:09:30Z' });
  assert.equal(recheckAt, Date.parse('2026-01-01T00:09:30Z') + disruptionTimeoutMs);
  assert.equal(countHealthy(pods, kept), 2, 'old and other; not fresh (just evicted), deleting or unready');
});
