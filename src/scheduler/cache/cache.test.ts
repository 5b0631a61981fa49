import { test } from 'node:test';
import assert from 'node:assert/strict';
import { info, node, pod } from '../testing/fixtures.js';
import { SchedulerCache } from './cache.js';

test('assumed pods count at once, are replaced when confirmed and dropped when forgotten', () => {
  const c = new SchedulerCache();
  c.addOrUpdateNode(node('n', { cpu: '4' }));
  const p = info(pod('p', { cpu: '1' }));
  c.assumePod(p, 'n');
  assert.equal(c.node('n')!.requested.milliCPU, 1000);
  assert.equal(c.isAssumed(p.uid), true);
  c.addOrUpdatePod(p, 'n');
  assert.equal(c.isAssumed(p.uid), false);
  assert.equal(c.node('n')!.requested.milliCPU, 1000, 'confirming does not count it twice');
  const q = info(pod('q', { cpu: '2' }));
  c.assumePod(q, 'n');
  c.forgetPod(q.uid);
  assert.equal(c.node('n')!.requested.milliCPU, 1000);
  c.removePod(p.uid);
  assert.equal(c.node('n')!.requested.milliCPU, 0);
});

test('pods seen before their node count once the node arrives; anti-affinity nodes are indexed', () => {
  const c = new SchedulerCache();
  const anti = pod('a', { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: {} }] } } } });
  c.addOrUpdatePod(info(anti), 'late');
  c.addOrUpdateNode(node('late'));
  assert.equal(c.node('late')!.pods.size, 1);
  assert.equal([...c.nodesWithRequiredAntiAffinity()].length, 1);
  c.removeNode('late');
  assert.equal(c.nodes().length, 0);
  assert.equal([...c.nodesWithRequiredAntiAffinity()].length, 0);
});
