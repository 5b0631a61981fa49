import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Framework } from '../../framework/framework.js';
import { CycleState } from '../../framework/interfaces.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { Status } from '../../framework/status.js';
import { handle, info, node, nodeInfo, pod } from '../../testing/fixtures.js';
import { NodeResourcesFit } from '../noderesources/fit.js';
import { TaintToleration } from '../tainttoleration/taint-toleration.js';
import { DefaultPreemption, pickCandidate } from './default-preemption.js';

function setup(nodes: ReturnType<typeof nodeInfo>[]) {
  const fw = new Framework({ plugins: [new TaintToleration(), new NodeResourcesFit()] });
  const evicted: string[] = [];
  const nominated: string[] = [];
  const dp = new DefaultPreemption({
    handle: handle(nodes),
    runFilters: (s, p, n) => fw.runFilters(s, p, n),
    evict: async (v: PodInfo) => void evicted.push(v.pod.metadata.name ?? ''),
    nominate: async (_p: PodInfo, n: string) => void nominated.push(n),
  });
  const statuses = (p: PodInfo) => new Map(nodes.map((n) => [n.name, fw.runFilters(new CycleState(), p, n)]));
  return { dp, evicted, nominated, statuses };
}

test('preemption evicts the fewest lower-priority pods and nominates the node', async () => {
  const n1 = nodeInfo(node('n1', { cpu: '2' }), pod('low1', { cpu: '1', priority: 1 }), pod('low2', { cpu: '1', priority: 1 }));
  const n2 = nodeInfo(node('n2', { cpu: '2' }), pod('mid', { cpu: '2', priority: 50 }));
  const { dp, evicted, nominated, statuses } = setup([n1, n2]);
  const high = info(pod('high', { cpu: '1', priority: 100 }));
  const r = await dp.postFilter(new CycleState(), high, statuses(high));
  assert.equal(r.status.isSuccess(), true);
  assert.equal(r.result?.nominatedNodeName, 'n1');
  assert.equal(evicted.length, 1);
  assert.equal(nominated[0], 'n1');
});

test('no lower-priority pods: the message Kubernetes gives', async () => {
  const n1 = nodeInfo(node('n1', { cpu: '1' }), pod('same', { cpu: '1', priority: 100 }));
  const n2 = nodeInfo(node('n2', { cpu: '1', spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } }));
  const { dp, evicted, statuses } = setup([n1, n2]);
  const p = info(pod('p', { cpu: '1', priority: 100 }));
  const r = await dp.postFilter(new CycleState(), p, statuses(p));
  assert.equal(r.status.isSuccess(), false);
  assert.equal(r.status.message(), 'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
  assert.deepEqual(evicted, []);
});

test('preemptionPolicy Never is not eligible', async () => {
  const n1 = nodeInfo(node('n1', { cpu: '1' }), pod('low', { cpu: '1', priority: 0 }));
  const { dp, evicted, statuses } = setup([n1]);
  const p = info(pod('p', { cpu: '1', priority: 100, spec: { preemptionPolicy: 'Never' } }));
  const r = await dp.postFilter(new CycleState(), p, statuses(p));
  assert.equal(r.status.message(), 'preemption: not eligible due to preemptionPolicy=Never.');
  assert.deepEqual(evicted, []);
});

test('pickCandidate prefers the lowest highest-victim priority, then fewest victims', () => {
  const v = (prio: number) => info(pod(`v${prio}`, { priority: prio }));
  const c = pickCandidate([
    { node: 'a', victims: [v(10)] },
    { node: 'b', victims: [v(5), v(5)] },
    { node: 'c', victims: [v(5)] },
  ]);
  assert.equal(c.node, 'c');
  assert.equal(Status.success().isSuccess(), true);
});
