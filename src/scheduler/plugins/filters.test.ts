// NodeName, NodeUnschedulable, NodeAffinity, TaintToleration, NodePorts, ImageLocality.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/interfaces.js';
import { Code } from '../framework/status.js';
import { handle, info, node, nodeInfo, pod } from '../testing/fixtures.js';
import { ImageLocality } from './imagelocality/image-locality.js';
import { NodeAffinity } from './nodeaffinity/node-affinity.js';
import { NodeName } from './nodename/node-name.js';
import { NodePorts } from './nodeports/node-ports.js';
import { NodeUnschedulable } from './nodeunschedulable/node-unschedulable.js';
import { TaintToleration } from './tainttoleration/taint-toleration.js';

const s = new CycleState();

test('NodeName admits only the named node', () => {
  const p = info(pod('p', { spec: { nodeName: 'a' } }));
  assert.equal(new NodeName().filter(s, p, nodeInfo(node('a'))).code, Code.Success);
  const st = new NodeName().filter(s, p, nodeInfo(node('b')));
  assert.equal(st.code, Code.UnschedulableAndUnresolvable);
  assert.equal(st.message(), "node(s) didn't match the requested node name");
});

test('NodeUnschedulable: cordoned nodes refuse pods unless they tolerate the taint', () => {
  const cordoned = nodeInfo(node('a', { spec: { unschedulable: true } }));
  const plain = info(pod('p'));
  const tolerant = info(pod('t', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } }));
  const st = new NodeUnschedulable().filter(s, plain, cordoned);
  assert.equal(st.code, Code.UnschedulableAndUnresolvable);
  assert.equal(st.message(), 'node(s) were unschedulable');
  assert.equal(new NodeUnschedulable().filter(s, tolerant, cordoned).code, Code.Success);
  assert.equal(new NodeUnschedulable().filter(s, plain, nodeInfo(node('b'))).code, Code.Success);
});

test('NodeAffinity: nodeSelector, required terms (ORed), operators and preferred weights', () => {
  const na = new NodeAffinity();
  const ssd = nodeInfo(node('ssd', { labels: { disk: 'ssd', gen: '5' } }));
  const hdd = nodeInfo(node('hdd', { labels: { disk: 'hdd', gen: '3' } }));
  const sel = info(pod('p', { spec: { nodeSelector: { disk: 'ssd' } } }));
  assert.equal(na.filter(s, sel, ssd).code, Code.Success);
  assert.equal(na.filter(s, sel, hdd).message(), "node(s) didn't match Pod's node affinity/selector");
  const req = info(pod('q', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['nowhere'] }] },
  ] } } } } }));
  assert.equal(na.filter(s, req, ssd).code, Code.Success);
  assert.equal(na.filter(s, req, hdd).code, Code.UnschedulableAndUnresolvable);
  const pref = info(pod('r', { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 7, preference: { matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] } }] } } } }));
  assert.equal(na.score(s, pref, hdd), 7);
  assert.equal(na.score(s, pref, ssd), 0);
});

test('TaintToleration: NoSchedule filters, PreferNoSchedule lowers the score', () => {
  const tt = new TaintToleration();
  const tainted = nodeInfo(node('t', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }));
  const soft = nodeInfo(node('s', { spec: { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] } }));
  const plain = nodeInfo(node('p'));
  const p = info(pod('p'));
  const st = tt.filter(s, p, tainted);
  assert.equal(st.code, Code.UnschedulableAndUnresolvable);
  assert.equal(st.message(), 'node(s) had untolerated taint {dedicated: gpu}');
  const tol = info(pod('q', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }));
  assert.equal(tt.filter(s, tol, tainted).code, Code.Success);
  assert.equal(tt.filter(s, info(pod('w', { spec: { tolerations: [{ key: 'dedicated', value: 'cpu' }] } })), tainted).code, Code.UnschedulableAndUnresolvable);
  assert.equal(tt.filter(s, p, soft).code, Code.Success);
  const scores = new Float64Array([tt.score(s, p, soft), tt.score(s, p, plain)]);
  tt.normalizeScore(s, p, scores);
  assert.deepEqual([...scores], [0, 100]);
});

test('NodePorts: same host port and protocol conflict; other IPs and protocols do not', () => {
  const withPort = (name: string, port: number, protocol = 'TCP', hostIP?: string) =>
    pod(name, { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: port, protocol, hostIP }] }] } });
  const n = nodeInfo(node('n'), withPort('x', 8080, 'TCP', '10.0.0.1'));
  const np = new NodePorts();
  assert.equal(np.filter(s, info(withPort('a', 8080)), n).message(), "node(s) didn't have free ports for the requested pod ports");
  assert.equal(np.filter(s, info(withPort('b', 8080, 'UDP')), n).code, Code.Success);
  assert.equal(np.filter(s, info(withPort('c', 8080, 'TCP', '10.0.0.2')), n).code, Code.Success);
  assert.equal(np.filter(s, info(withPort('d', 9090)), n).code, Code.Success);
});

test('ImageLocality: nodes holding a large image score higher', () => {
  const big = 500 * 1024 * 1024;
  const a = nodeInfo(node('a', { images: [{ names: ['busybox:latest'], sizeBytes: big }] }));
  const b = nodeInfo(node('b'));
  const h = handle([a, b]);
  const il = new ImageLocality(h, h);
  const p = info(pod('p'));
  assert.equal(il.score(s, p, a) > 0, true);
  assert.equal(il.score(s, p, b), 0);
});
