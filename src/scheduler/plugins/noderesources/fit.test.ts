import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../../framework/interfaces.js';
import { Code } from '../../framework/status.js';
import { info, node, nodeInfo, pod } from '../../testing/fixtures.js';
import { BalancedAllocation } from './balanced-allocation.js';
import { NodeResourcesFit } from './fit.js';

const s = new CycleState();

test('NodeResourcesFit filter: fits, insufficient cpu and memory together, too many pods', () => {
  const fit = new NodeResourcesFit();
  const n = nodeInfo(node('n', { cpu: '2', memory: '1Gi', pods: 2 }), pod('x', { cpu: '1500m', memory: '512Mi' }));
  assert.equal(fit.filter(s, info(pod('a', { cpu: '500m' })), n).code, Code.Success);
  const st = fit.filter(s, info(pod('b', { cpu: '600m', memory: '600Mi' })), n);
  assert.equal(st.code, Code.Unschedulable);
  assert.deepEqual(st.reasons, ['Insufficient cpu', 'Insufficient memory']);
  n.addPod(info(pod('y')));
  assert.deepEqual(fit.filter(s, info(pod('c')), n).reasons, ['Too many pods']);
});

test('NodeResourcesFit filter: extended resources and ephemeral storage', () => {
  const fit = new NodeResourcesFit();
  const n = nodeInfo(node('n'));
  const p = pod('g', { spec: { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '1', 'ephemeral-storage': '200Gi' } } }] } });
  assert.deepEqual(fit.filter(s, info(p), n).reasons, ['Insufficient ephemeral-storage', 'Insufficient nvidia.com/gpu']);
});

test('LeastAllocated prefers the emptier node, MostAllocated the fuller one', () => {
  const empty = nodeInfo(node('empty', { cpu: '4', memory: '4Gi' }));
  const busy = nodeInfo(node('busy', { cpu: '4', memory: '4Gi' }), pod('x', { cpu: '2', memory: '2Gi' }));
  const p = info(pod('p', { cpu: '1', memory: '1Gi' }));
  const least = new NodeResourcesFit();
  const most = new NodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } });
  assert.equal(least.score(s, p, empty), 75);
  assert.equal(least.score(s, p, busy), 25);
  assert.equal(most.score(s, p, empty), 25);
  assert.equal(most.score(s, p, busy), 75);
});

test('BalancedAllocation scores equal cpu and memory fractions highest', () => {
  const b = new BalancedAllocation();
  const n = nodeInfo(node('n', { cpu: '4', memory: '4Gi' }));
  assert.equal(b.score(s, info(pod('even', { cpu: '2', memory: '2Gi' })), n), 100);
  assert.equal(b.score(s, info(pod('skew', { cpu: '4', memory: '1Gi' })), n) < 100, true);
});
