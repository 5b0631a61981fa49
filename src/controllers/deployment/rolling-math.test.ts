import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, IntOrString, ReplicaSet } from '../controller-utils/index.js';
import { maxReplicasAnnotation } from './annotations.js';
import { InvalidIntOrStringError, maxSurge, maxUnavailable, resolveFenceposts } from './fenceposts.js';
import { maxScaledDown, newRSNewReplicas, proportionalSizes } from './rolling-math.js';

function deployment(replicas: number, surge: IntOrString = 0, unavailable: IntOrString = 0, type = 'RollingUpdate', statusReplicas = 0): Deployment {
  return {
    metadata: { name: 'd', namespace: 'ns' },
    spec: { replicas, strategy: { type, rollingUpdate: type === 'RollingUpdate' ? { maxSurge: surge, maxUnavailable: unavailable } : undefined } },
    status: { replicas: statusReplicas },
  };
}

let seq = 0;
function rs(name: string, replicas: number, o: { max?: number; available?: number; createdS?: number } = {}): ReplicaSet {
  return {
    metadata: {
      name,
      uid: name,
      creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, o.createdS ?? seq++)).toISOString(),
      annotations: o.max === undefined ? {} : { [maxReplicasAnnotation]: String(o.max) },
    },
    spec: { replicas },
    status: { replicas, availableReplicas: o.available ?? replicas },
  };
}

test('fenceposts: surge rounds up, unavailability down, and never both zero', () => {
  assert.deepEqual(resolveFenceposts('0%', '0%', 0), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts('39%', '39%', 10), { surge: 4, unavailable: 3 });
  assert.deepEqual(resolveFenceposts('55%', undefined, 10), { surge: 6, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(undefined, '39%', 10), { surge: 0, unavailable: 3 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 5), { surge: 2, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(0, 0, 10), { surge: 0, unavailable: 1 });
  assert.throws(() => resolveFenceposts('oops', '39%', 10), InvalidIntOrStringError);
  assert.throws(() => resolveFenceposts('55%', 'urg', 10), InvalidIntOrStringError);
  assert.equal(maxUnavailable(deployment(2, 0, 5)), 2, 'capped at replicas');
  assert.equal(maxUnavailable(deployment(0, 1, 1)), 0);
  assert.equal(maxSurge(deployment(10, 3, 1, 'Recreate')), 0);
  assert.equal(maxUnavailable(deployment(10, 3, 1, 'Recreate')), 0);
});

test('newRSNewReplicas: grow within replicas + surge, never past replicas; Recreate takes all', () => {
  // Kubernetes' TestNewRSNewReplicas cases.
  const n1 = rs('new', 5);
  assert.equal(newRSNewReplicas(deployment(1, 1), [n1, rs('old', 5)], n1), 5, 'cannot scale up');
  const n2 = rs('new', 2);
  assert.equal(newRSNewReplicas(deployment(6, 10), [n2, rs('old', 5)], n2), 6, 'up to replicas');
  const n3 = rs('new', 1);
  assert.equal(newRSNewReplicas(deployment(3, 0, 0, 'Recreate'), [n3, rs('old', 1)], n3), 3);
  const n4 = rs('new', 0);
  assert.equal(newRSNewReplicas(deployment(10, '25%', '25%'), [n4, rs('old', 10)], n4), 3);
});

test('maxScaledDown counts the new ReplicaSet\'s unavailable pods as already lost', () => {
  const d = deployment(10, 3, 2);
  const newRS = rs('new', 3, { available: 1 });
  assert.equal(maxScaledDown(d, [rs('old', 10), newRS], newRS), 13 - 8 - 2);
  const ready = rs('new', 3);
  assert.equal(maxScaledDown(d, [rs('old', 10), ready], ready), 5);
});

test('proportional scaling shares a resize among active ReplicaSets (Kubernetes\' TestScale cases)', () => {
  const sizes = (d: Deployment, newRS: ReplicaSet | undefined, old: ReplicaSet[]) =>
    Object.fromEntries(proportionalSizes(d, newRS, old).map((x) => [x.rs.metadata.name, x.size]));
  // 5 -> 10 with 3 old and 2 new.
  assert.deepEqual(sizes(deployment(10), rs('new', 2, { max: 5 }), [rs('old', 3, { max: 5, createdS: -10 })]), { old: 6, new: 4 });
  // 5 -> 3.
  assert.deepEqual(sizes(deployment(3), rs('new', 2, { max: 5 }), [rs('old', 3, { max: 5, createdS: -10 })]), { old: 2, new: 1 });
  // 9 -> 4: the leftover comes off the largest.
  assert.deepEqual(sizes(deployment(4), rs('new', 8, { max: 9 }), [rs('old', 1, { max: 9, createdS: -10 })]), { new: 4, old: 0 });
  // 7 -> 10 over three ReplicaSets.
  assert.deepEqual(sizes(deployment(10), rs('new', 2, { max: 7 }), [rs('older', 3, { max: 7, createdS: -20 }), rs('old', 2, { max: 7, createdS: -10 })]), { older: 4, new: 3, old: 3 });
  // 13 -> 8.
  assert.deepEqual(sizes(deployment(8), rs('new', 2, { max: 13 }), [rs('older', 8, { max: 13, createdS: -20 }), rs('old', 3, { max: 13, createdS: -10 })]), { older: 5, old: 2, new: 1 });
  // With surge: 10 (+3) -> 20 (+5): 8 old and 5 new become 15 and 10.
  assert.deepEqual(sizes(deployment(20, '25%', '25%'), rs('new', 5, { max: 13 }), [rs('old', 8, { max: 13, createdS: -10 })]), { old: 15, new: 10 });
  // Scaling to zero takes everything.
  assert.deepEqual(sizes(deployment(0, 2, 1), rs('new', 3, { max: 12 }), [rs('old', 7, { max: 12, createdS: -10 })]), { old: 0, new: 0 });
  // Without the annotation the deployment's status size is the estimate.
  assert.deepEqual(sizes(deployment(10, 0, 1, 'RollingUpdate', 5), rs('new', 2), [rs('old', 3, { createdS: -10 })]), { old: 6, new: 4 });
});
