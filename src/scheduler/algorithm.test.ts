import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Algorithm, FitError, numFeasibleNodesToFind } from './algorithm.js';
import { Framework } from './framework/framework.js';
import { CycleState, type FilterPlugin } from './framework/interfaces.js';
import { Status } from './framework/status.js';
import { NodeResourcesFit } from './plugins/noderesources/fit.js';
import { NodeUnschedulable } from './plugins/nodeunschedulable/node-unschedulable.js';
import { info, node, nodeInfo, pod } from './testing/fixtures.js';

test('numFeasibleNodesToFind: all below 100 nodes, adaptive percentage above, at least 100', () => {
  assert.equal(numFeasibleNodesToFind(50), 50);
  assert.equal(numFeasibleNodesToFind(1000), 420);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(100_000), 5000);
  assert.equal(numFeasibleNodesToFind(200), 100);
  assert.equal(numFeasibleNodesToFind(1000, 100), 1000);
});

test('filters stop at the first rejection and later plugins are not asked', () => {
  let asked = 0;
  const counting: FilterPlugin = { name: 'Counting', filter: () => (asked++, Status.success()) };
  const fw = new Framework({ plugins: [new NodeUnschedulable(), counting] });
  const st = fw.runFilters(new CycleState(), info(pod('p')), nodeInfo(node('n', { spec: { unschedulable: true } })));
  assert.equal(st.plugin, 'NodeUnschedulable');
  assert.equal(asked, 0);
});

test('the FitError message counts reasons per node as kube-scheduler does', () => {
  const fw = new Framework({ plugins: [new NodeUnschedulable(), new NodeResourcesFit()] });
  const alg = new Algorithm(fw);
  const nodes = [nodeInfo(node('a', { cpu: '1' })), nodeInfo(node('b', { cpu: '1' })), nodeInfo(node('c', { spec: { unschedulable: true } }))];
  assert.throws(
    () => alg.schedule(new CycleState(), info(pod('p', { cpu: '2' })), nodes),
    (err: unknown) => err instanceof FitError && err.message === '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.' && err.rejectors().has('NodeResourcesFit'),
  );
  assert.throws(() => alg.schedule(new CycleState(), info(pod('p')), []), /0\/0 nodes are available: no nodes available to schedule pods\./);
});

test('scheduling picks the best-scoring node and sampling rotates the start', () => {
  const fw = new Framework({ plugins: [new NodeResourcesFit()] });
  const alg = new Algorithm(fw, { random: () => 0.99 });
  const nodes = [nodeInfo(node('busy'), pod('x', { cpu: '3' })), nodeInfo(node('free'))];
  assert.equal(alg.schedule(new CycleState(), info(pod('p', { cpu: '100m' })), nodes).node, 'free');
  const many = Array.from({ length: 300 }, (_, i) => nodeInfo(node(`n${i}`)));
  const r1 = alg.findFeasible(new CycleState(), info(pod('p')), many);
  const r2 = alg.findFeasible(new CycleState(), info(pod('p')), many);
  assert.equal(r1.feasible.length, 142); // 300 * (50 - 300/125)%
  assert.equal(r2.feasible[0].name, 'n142', 'the next attempt starts where the last stopped');
});

test('room made by preemption is kept for the nominated pod, not for lower priorities', async () => {
  const { Nominator } = await import('./nominator.js');
  const nominator = new Nominator();
  const fw = new Framework({ plugins: [new NodeResourcesFit()] });
  const alg = new Algorithm(fw, { nominator });
  const nodes = [nodeInfo(node('n', { cpu: '2' }))];
  const high = info(pod('high', { cpu: '2', priority: 100 }));
  nominator.set(high, 'n');
  assert.throws(() => alg.schedule(new CycleState(), info(pod('low', { cpu: '1', priority: 1 })), nodes), FitError);
  assert.equal(alg.schedule(new CycleState(), high, nodes).node, 'n', 'the nominated pod itself fits');
  assert.equal(alg.schedule(new CycleState(), info(pod('higher', { cpu: '1', priority: 1000 })), nodes).node, 'n');
  nominator.delete(high.uid);
  assert.equal(alg.schedule(new CycleState(), info(pod('low2', { cpu: '1', priority: 1 })), nodes).node, 'n');
});
