import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podDiffersSemantically } from './pod-changes.js';
import type { Pod } from './types.js';

const base: Pod = { metadata: { uid: 'u1', name: 'p', namespace: 'default', resourceVersion: '5', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending' } };

test('a status write or a new resourceVersion alone is no news to the pod worker', () => {
  const cur: Pod = { ...base, metadata: { ...base.metadata, resourceVersion: '6' }, status: { phase: 'Running' } };
  assert.equal(podDiffersSemantically(base, cur), false);
});

test('spec, labels, annotations and deletion are', () => {
  assert.equal(podDiffersSemantically(base, { ...base, spec: { containers: [{ name: 'c', image: 'j' }] } }), true);
  assert.equal(podDiffersSemantically(base, { ...base, metadata: { ...base.metadata, labels: { a: '2' } } }), true);
  assert.equal(podDiffersSemantically(base, { ...base, metadata: { ...base.metadata, annotations: { x: 'y' } } }), true);
  assert.equal(podDiffersSemantically(base, { ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 } }), true);
  assert.equal(podDiffersSemantically(base, { ...base, metadata: { ...base.metadata, uid: 'u2' } }), true);
});

test('a condition of a readiness gate, set by someone else, is', () => {
  const gated: Pod = { ...base, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'example.com/lb', status: 'True' }] } };
  assert.equal(podDiffersSemantically(base, gated), true);
  const readyFlip: Pod = { ...gated, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'example.com/lb', status: 'True' }] } };
  assert.equal(podDiffersSemantically(gated, readyFlip), false, 'the kubelet\'s own Ready is not');
});
