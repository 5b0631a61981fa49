import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictionTime, reconcileTaints, tolerates } from './taints.js';

const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' };
const t0 = Date.parse('2026-01-01T00:00:00Z');

test('lifecycle taints follow the Ready condition and keep their timeAdded', () => {
  const now = '2026-01-01T00:01:00Z';
  const unknown = reconcileTaints([{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }], 'Unknown', now)!;
  assert.deepEqual(unknown.map((t) => `${t.key}:${t.effect}`), ['dedicated:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.equal(unknown[1].timeAdded, now);
  assert.equal(reconcileTaints(unknown, 'Unknown', '2026-01-01T00:05:00Z'), undefined, 'no change, no write');
  const notReady = reconcileTaints(unknown, 'False', now)!;
  assert.deepEqual(notReady.map((t) => `${t.key}:${t.effect}`), ['dedicated:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
  assert.deepEqual(reconcileTaints(notReady, 'True', now)!.map((t) => t.key), ['dedicated']);
  assert.equal(reconcileTaints([], 'True', now), undefined);
});

test('tolerations match by key, operator, value and effect', () => {
  assert.ok(tolerates({ operator: 'Exists' }, unreachable));
  assert.ok(tolerates({ key: unreachable.key, operator: 'Exists', effect: 'NoExecute' }, unreachable));
  assert.ok(!tolerates({ key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }, unreachable));
  assert.ok(!tolerates({ key: 'other', operator: 'Exists' }, unreachable));
  assert.ok(tolerates({ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }));
  assert.ok(!tolerates({ key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoExecute' }));
  assert.ok(!tolerates({ value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }), 'an empty key needs Exists');
});

test('eviction: at once without a toleration, after tolerationSeconds, or never', () => {
  assert.equal(evictionTime([unreachable], [], t0), 'now');
  assert.equal(evictionTime([unreachable], [{ key: unreachable.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], t0 + 5000), t0 + 300_000);
  assert.equal(evictionTime([unreachable], [{ operator: 'Exists' }], t0), 'never');
  assert.equal(evictionTime([unreachable], [{ operator: 'Exists' }, { key: unreachable.key, operator: 'Exists', tolerationSeconds: 10 }], t0), t0 + 10_000, 'the smallest bounded toleration decides');
  assert.equal(evictionTime([unreachable], [{ key: unreachable.key, operator: 'Exists', tolerationSeconds: -5 }], t0), t0);
  assert.equal(evictionTime([{ key: 'x', effect: 'NoSchedule' }], [], t0), 'never', 'only NoExecute taints evict');
  assert.equal(evictionTime([unreachable, { key: 'other', effect: 'NoExecute' }], [{ key: unreachable.key, operator: 'Exists', tolerationSeconds: 60 }], t0), 'now');
});
