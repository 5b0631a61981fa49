import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredIngressIPs, eligibleNodes, enableLbLabel, excludeLabel, lbPoolLabel, wantsLoadBalancer, type LbNode, type LbService, type LbSlice } from './ingress.js';

const node = (name: string, ips: string[], o: { ready?: boolean; unschedulable?: boolean; labels?: Record<string, string>; external?: string[] } = {}): LbNode => ({
  metadata: { name, labels: o.labels },
  spec: { unschedulable: o.unschedulable },
  status: {
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    addresses: [...ips.map((address) => ({ type: 'InternalIP', address })), ...(o.external ?? []).map((address) => ({ type: 'ExternalIP', address })), { type: 'Hostname', address: name }],
  },
});
const lb = (spec: LbService['spec'] = {}, labels?: Record<string, string>): LbService => ({ metadata: { namespace: 'default', name: 'web', labels }, spec: { type: 'LoadBalancer', ...spec } });

test('ours: type LoadBalancer without a loadBalancerClass', () => {
  assert.equal(wantsLoadBalancer(lb()), true);
  assert.equal(wantsLoadBalancer(lb({ loadBalancerClass: 'example.com/other' })), false);
  assert.equal(wantsLoadBalancer(lb({ type: 'NodePort' })), false);
});

test('ingress: InternalIPs of ready, schedulable, not excluded nodes, sorted', () => {
  const nodes = [
    node('c', ['192.168.1.30']), node('a', ['192.168.1.10']),
    node('down', ['192.168.1.40'], { ready: false }),
    node('cordoned', ['192.168.1.50'], { unschedulable: true }),
    node('excluded', ['192.168.1.60'], { labels: { [excludeLabel]: '' } }),
  ];
  assert.deepEqual(desiredIngressIPs(lb(), nodes, []), ['192.168.1.10', '192.168.1.30']);
  assert.deepEqual(desiredIngressIPs(lb(), [node('x', ['192.168.1.40'], { ready: false })], []), []);
});

test('ingress: ExternalIPs when any chosen node has one (as k3s does), and only the service\'s IP families', () => {
  const nodes = [node('a', ['10.0.0.1', 'fd00::1'], { external: ['203.0.113.5'] }), node('b', ['10.0.0.2'])];
  assert.deepEqual(desiredIngressIPs(lb(), nodes, []), ['203.0.113.5']);
  const v6 = [node('a', ['10.0.0.1', 'fd00::1']), node('b', ['10.0.0.2'])];
  assert.deepEqual(desiredIngressIPs(lb({ ipFamilies: ['IPv6'] }), v6, []), ['fd00::1']);
  assert.deepEqual(desiredIngressIPs(lb({ ipFamilies: ['IPv4', 'IPv6'] }), v6, []), ['10.0.0.1', '10.0.0.2', 'fd00::1']);
});

test('externalTrafficPolicy Local: only nodes with a ready pod endpoint of the service', () => {
  const nodes = [node('a', ['10.0.0.1']), node('b', ['10.0.0.2']), node('c', ['10.0.0.3'])];
  const slices: LbSlice[] = [{
    metadata: { namespace: 'default', name: 'web-x', labels: { 'kubernetes.io/service-name': 'web' } },
    endpoints: [
      { conditions: { ready: true }, nodeName: 'b', targetRef: { kind: 'Pod' } },
      { conditions: { ready: false }, nodeName: 'c', targetRef: { kind: 'Pod' } },
    ],
  }];
  assert.deepEqual(desiredIngressIPs(lb({ externalTrafficPolicy: 'Local' }), nodes, slices), ['10.0.0.2']);
  assert.deepEqual(desiredIngressIPs(lb({ externalTrafficPolicy: 'Cluster' }), nodes, slices), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
});

test('k3s node selection: once a node has the enablelb label only "true" nodes serve; pools narrow further', () => {
  const nodes = [
    node('a', ['10.0.0.1'], { labels: { [enableLbLabel]: 'true', [lbPoolLabel]: 'p1' } }),
    node('b', ['10.0.0.2'], { labels: { [enableLbLabel]: 'false' } }),
    node('c', ['10.0.0.3']),
    node('d', ['10.0.0.4'], { labels: { [enableLbLabel]: 'true', [lbPoolLabel]: 'p2' } }),
  ];
  assert.deepEqual(eligibleNodes(lb(), nodes).map((n) => n.metadata.name), ['a', 'd']);
  assert.deepEqual(desiredIngressIPs(lb({}, { [lbPoolLabel]: 'p2' }), nodes, []), ['10.0.0.4']);
});
