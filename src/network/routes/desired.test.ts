import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDesiredRoutes, type LocalAddress, type NodeLike } from './desired.js';
import { parseIPv4Prefix, formatPrefix, prefixesOverlap } from './cidr.js';

const CLUSTER = '10.42.0.0/16';
const local: LocalAddress[] = [
  { dev: 'eth0', address: '192.168.1.10', prefixLen: 24 },
  { dev: 'eth1', address: '172.16.5.1', prefixLen: 16 },
  { dev: 'eth1', address: '172.16.9.1', prefixLen: 24 },
  { dev: 'k8ts-dns', address: '10.43.0.10', prefixLen: 32 },
  { dev: 'k8ts0', address: '10.42.0.1', prefixLen: 24 },
];

function node(name: string, podCIDR: string | undefined, ip?: string, extra: Partial<NodeLike> = {}): NodeLike {
  return {
    metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: [{ type: 'Hostname', address: name }, ...(ip ? [{ type: 'InternalIP', address: ip }] : [])] },
    ...extra,
  };
}

test('a route for every other node with a pod CIDR and an adjacent InternalIP; none for this node', () => {
  const { routes, skipped } = computeDesiredRoutes([
    node('a', '10.42.0.0/24', '192.168.1.10'),
    node('c', '10.42.2.0/24', '192.168.1.12'),
    node('b', '10.42.1.0/24', '192.168.1.11'),
  ], 'a', local, CLUSTER);
  assert.deepEqual(routes, [
    { dst: '10.42.1.0/24', via: '192.168.1.11', dev: 'eth0', node: 'b' },
    { dst: '10.42.2.0/24', via: '192.168.1.12', dev: 'eth0', node: 'c' },
  ]);
  assert.deepEqual(skipped, []);
});

test('the device is the one of the longest connected prefix holding the InternalIP', () => {
  const { routes } = computeDesiredRoutes([node('b', '10.42.1.0/24', '172.16.9.7'), node('c', '10.42.2.0/24', '172.16.200.7')], 'a', local, CLUSTER);
  assert.deepEqual(routes.map((r) => [r.node, r.dev]), [['b', 'eth1'], ['c', 'eth1']]);
});

test('a node off every connected subnet gets no route, with the L2 reason', () => {
  const { routes, skipped } = computeDesiredRoutes([node('far', '10.42.3.0/24', '203.0.113.9')], 'a', local, CLUSTER);
  assert.deepEqual(routes, []);
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0]!.node, 'far');
  assert.match(skipped[0]!.reason, /not on a directly connected subnet.*L2/);
});

test('a /32 address connects nothing, and an InternalIP inside the cluster CIDR is refused', () => {
  const { routes, skipped } = computeDesiredRoutes([
    node('dns', '10.42.4.0/24', '10.43.0.11'),
    node('inpods', '10.42.5.0/24', '10.42.0.9'),
  ], 'a', local, CLUSTER);
  assert.deepEqual(routes, []);
  assert.match(skipped.find((s) => s.node === 'dns')!.reason, /not on a directly connected subnet/);
  assert.match(skipped.find((s) => s.node === 'inpods')!.reason, /inside the cluster CIDR/);
});

test('nodes without pod CIDR, without IPv4 InternalIP, or with this node\'s address are skipped with reasons', () => {
  const { routes, skipped } = computeDesiredRoutes([
    node('new', undefined, '192.168.1.20'),
    node('v6', '10.42.6.0/24', undefined, { status: { addresses: [{ type: 'InternalIP', address: 'fd00::5' }] } }),
    node('twin', '10.42.7.0/24', '192.168.1.10'),
  ], 'a', local, CLUSTER);
  assert.deepEqual(routes, []);
  assert.deepEqual(skipped.map((s) => s.node), ['new', 'twin', 'v6']);
  assert.match(skipped[0]!.reason, /no pod CIDR/);
  assert.match(skipped[1]!.reason, /address of this node/);
  assert.match(skipped[2]!.reason, /no IPv4 InternalIP/);
});

test('pod CIDRs outside the cluster CIDR are refused, so a Node cannot steer other traffic', () => {
  const { routes, skipped } = computeDesiredRoutes([
    node('evil', '0.0.0.0/0', '192.168.1.66'),
    node('wide', '10.0.0.0/8', '192.168.1.67'),
    node('other', '10.99.1.0/24', '192.168.1.68'),
  ], 'a', local, CLUSTER);
  assert.deepEqual(routes, []);
  assert.equal(skipped.length, 3);
  for (const s of skipped) assert.match(s.reason, /outside the cluster CIDR/);
});

test('overlapping pod CIDRs: neither claimant is routed, nor one overlapping this node\'s own', () => {
  const { routes, skipped } = computeDesiredRoutes([
    node('a', '10.42.0.0/24', '192.168.1.10'),
    node('b', '10.42.1.0/24', '192.168.1.11'),
    node('c', '10.42.1.0/25', '192.168.1.12'),
    node('d', '10.42.0.0/24', '192.168.1.13'),
    node('e', '10.42.9.0/24', '192.168.1.14'),
  ], 'a', local, CLUSTER);
  assert.deepEqual(routes.map((r) => r.node), ['e']);
  assert.deepEqual(skipped.map((s) => s.node), ['b', 'c', 'd']);
  assert.match(skipped[0]!.reason, /overlaps another node/);
  assert.match(skipped[2]!.reason, /overlaps this node's own/);
});

test('podCIDRs wins over podCIDR; IPv6 entries are left out; host bits are cleared; deleting nodes are dropped', () => {
  const dual = node('dual', '10.42.8.0/24', '192.168.1.30', {});
  dual.spec = { podCIDR: '10.42.8.0/24', podCIDRs: ['10.42.8.77/24', 'fd42::/64'] };
  const going = node('going', '10.42.10.0/24', '192.168.1.31');
  going.metadata.deletionTimestamp = '2026-12-01T00:00:00Z';
  const { routes, skipped } = computeDesiredRoutes([dual, going], 'a', local, CLUSTER);
  assert.deepEqual(routes, [{ dst: '10.42.8.0/24', via: '192.168.1.30', dev: 'eth0', node: 'dual' }]);
  assert.deepEqual(skipped, []);
});

test('a bad cluster CIDR is a RangeError', () => {
  assert.throws(() => computeDesiredRoutes([], 'a', local, '10.42.0.0'), RangeError);
});

test('prefix arithmetic', () => {
  assert.equal(formatPrefix(parseIPv4Prefix('10.42.200.9/24')!), '10.42.200.0/24');
  assert.equal(formatPrefix(parseIPv4Prefix('255.255.255.255/32')!), '255.255.255.255/32');
  assert.equal(formatPrefix(parseIPv4Prefix('1.2.3.4/0')!), '0.0.0.0/0');
  for (const bad of ['10.42.0.0/33', '10.42.0/24', '10.42.0.256/24', '10.42.0.0/', 'x/8', '1.2.3.4']) assert.equal(parseIPv4Prefix(bad), undefined, bad);
  assert.equal(prefixesOverlap(parseIPv4Prefix('10.42.0.0/16')!, parseIPv4Prefix('10.42.3.0/24')!), true);
  assert.equal(prefixesOverlap(parseIPv4Prefix('10.42.2.0/24')!, parseIPv4Prefix('10.42.3.0/24')!), false);
});
