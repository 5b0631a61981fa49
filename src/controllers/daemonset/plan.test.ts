import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../history/pods.js';
import { shouldRunOn, pinToNode, withDaemonTolerations, type Node } from './node-fit.js';
import { planDaemonSet, type DaemonSetSpec } from './plan.js';

const now = Date.parse('2026-03-01T10:00:00Z');
const node = (name: string, labels: Record<string, string> = {}, taints: Node['spec'] = {}): Node => ({ metadata: { name, labels }, spec: taints });

function pod(name: string, nodeName: string, hash: string, ready = true, created = '2026-03-01T09:00:00Z'): Pod {
  return { metadata: { name, creationTimestamp: created, labels: { 'controller-revision-hash': hash } }, spec: { nodeName }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-03-01T09:00:00Z' }] } };
}

const byNode = (pods: Pod[]) => {
  const m = new Map<string, Pod[]>();
  for (const p of pods) m.set(p.spec!.nodeName!, [...(m.get(p.spec!.nodeName!) ?? []), p]);
  return m;
};

test('node fit: selector, required affinity, taints and the daemon default tolerations', () => {
  assert.equal(shouldRunOn({ nodeSelector: { disk: 'ssd' } }, node('a', { disk: 'ssd' })), true);
  assert.equal(shouldRunOn({ nodeSelector: { disk: 'ssd' } }, node('a')), false);
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }] } } };
  assert.equal(shouldRunOn({ affinity }, node('a', { zone: 'z1' })), true);
  assert.equal(shouldRunOn({ affinity }, node('a', { zone: 'z2' })), false);
  const tainted = node('t', {}, { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] });
  assert.equal(shouldRunOn({}, tainted), false);
  assert.equal(shouldRunOn({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] }, tainted), true);
  assert.equal(shouldRunOn({}, node('p', {}, { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] })), true);
  // Cordoned, not ready or under pressure: daemons stay.
  for (const key of ['node.kubernetes.io/unschedulable', 'node.kubernetes.io/disk-pressure']) assert.equal(shouldRunOn({}, node('c', {}, { taints: [{ key, effect: 'NoSchedule' }] })), true, key);
  assert.equal(shouldRunOn({}, node('c', {}, { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] })), true);
  assert.equal(shouldRunOn({}, node('c', {}, { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] })), false);
  assert.equal(shouldRunOn({ hostNetwork: true }, node('c', {}, { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] })), true);
  assert.equal(withDaemonTolerations({}).length, 6);
});

test('daemon pods are pinned with a metadata.name node affinity term', () => {
  const a = pinToNode({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }] } } } }, 'node-1');
  assert.deepEqual(a?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] });
});

test('a pod for each eligible node; misscheduled and extra pods deleted; status counts', () => {
  const nodes = [node('a'), node('b'), node('c', { role: 'x' })];
  const spec: DaemonSetSpec = { template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }] }] } } } } } };
  const pods = [pod('p1', 'a', 'h1'), pod('p2', 'a', 'h1', true, '2026-03-01T09:30:00Z'), pod('p3', 'c', 'h1')];
  const plan = planDaemonSet(spec, nodes, byNode(pods), 'h1', now);
  assert.deepEqual(plan.create, ['b']);
  assert.deepEqual(plan.delete.map((d) => d.pod.metadata.name).sort(), ['p2', 'p3']);
  assert.deepEqual(plan.status, { desiredNumberScheduled: 2, currentNumberScheduled: 1, numberMisscheduled: 1, numberReady: 1, numberAvailable: 1, updatedNumberScheduled: 1, numberUnavailable: 1 });
});

test('rolling update with maxUnavailable 1 deletes one old available pod at a time', () => {
  const nodes = [node('a'), node('b'), node('c')];
  const spec: DaemonSetSpec = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } };
  const plan = planDaemonSet(spec, nodes, byNode([pod('p1', 'a', 'old'), pod('p2', 'b', 'old'), pod('p3', 'c', 'old')]), 'new', now);
  assert.equal(plan.delete.length, 1);
  assert.deepEqual(plan.create, []);
  // While a new pod is not available yet nothing more goes.
  const waiting = planDaemonSet(spec, nodes, byNode([pod('n1', 'a', 'new', false), pod('p2', 'b', 'old'), pod('p3', 'c', 'old')]), 'new', now);
  assert.equal(waiting.delete.length, 0);
  // OnDelete never deletes for an update.
  const onDelete = planDaemonSet({ updateStrategy: { type: 'OnDelete' } }, nodes, byNode([pod('p1', 'a', 'old')]), 'new', now);
  assert.deepEqual(onDelete.delete, []);
  assert.deepEqual(onDelete.create, ['b', 'c']);
});

test('rolling update with maxSurge starts the new pod first and deletes the old once it is available', () => {
  const nodes = [node('a'), node('b')];
  const spec: DaemonSetSpec = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } };
  const start = planDaemonSet(spec, nodes, byNode([pod('p1', 'a', 'old'), pod('p2', 'b', 'old')]), 'new', now);
  assert.equal(start.create.length, 1);
  assert.deepEqual(start.delete, []);
  const surged = planDaemonSet(spec, nodes, byNode([pod('p1', 'a', 'old'), pod('n1', 'a', 'new', true, '2026-03-01T09:50:00Z'), pod('p2', 'b', 'old')]), 'new', now);
  assert.deepEqual(surged.delete.map((d) => d.pod.metadata.name), ['p1']);
  assert.deepEqual(surged.create, ['b']);
});

test('minReadySeconds: ready is not yet available, and the plan says when to look again', () => {
  const p = pod('p1', 'a', 'h');
  p.status!.conditions![0].lastTransitionTime = '2026-03-01T09:59:50Z';
  const plan = planDaemonSet({ minReadySeconds: 30 }, [node('a')], byNode([p]), 'h', now);
  assert.equal(plan.status.numberReady, 1);
  assert.equal(plan.status.numberAvailable, 0);
  assert.equal(plan.recheckAfterMs, 20_000);
});
