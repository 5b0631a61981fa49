// A readiness gate's condition, set by a controller through the status subresource,
// makes the pod Ready and survives the kubelet's later status writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeNode } from './testing/fake-node.js';
import type { PodCondition } from './types.js';

test('a readiness gate turns Ready when its condition is set, and the kubelet keeps that condition', async (t) => {
  const n = new FakeNode();
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { readinessGates: [{ conditionType: 'example.com/lb' }], containers: [{ name: 'c', image: 'busybox:1' }] } as never });
  const gated = await n.waitFor('gated', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.reason === 'ReadinessGatesNotReady') ?? false);
  const conditions: PodCondition[] = [...(gated.conditions ?? []), { type: 'example.com/lb', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }];
  await n.client.patch('/api/v1/namespaces/default/pods/p/status', { status: { conditions } }, 'merge');
  const ready = await n.waitFor('Ready', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
  assert.equal(ready.conditions?.find((c) => c.type === 'example.com/lb')?.status, 'True');
  assert.equal(n.status().conditions?.find((c) => c.type === 'example.com/lb')?.status, 'True', 'still there after the kubelet wrote Ready');
});
