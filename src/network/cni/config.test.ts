import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentList, buildConfList, cniArgsFor, loopbackConf, pluginInvocationConf, portMappingsOf } from './config.js';
import { parseErrorOutput, parseResult, podIPsOf } from './result.js';
import type { CniResult } from './types.js';
import { CniPodNetwork } from './pod-network.js';
import { masqueradeScript } from './host.js';
import { bandwidthOf, BandwidthAnnotationError } from './bandwidth.js';
import type { PodNetwork } from '../../kubelet/interfaces.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

test('the configuration list: bridge with host-local on the pod CIDR, then portmap and bandwidth', () => {
  const list = buildConfList({ podCIDR: '10.42.3.0/24', bridgeName: 'k8ts0', ipamDataDir: '/d/cni/networks' });
  assert.equal(list.cniVersion, '1.0.0');
  assert.equal(list.name, 'k8ts');
  assert.deepEqual(list.plugins.map((p) => p.type), ['bridge', 'portmap', 'bandwidth']);
  const bridge = list.plugins[0]!;
  assert.equal(bridge.bridge, 'k8ts0');
  assert.equal(bridge.isGateway, true);
  assert.equal(bridge.ipMasq, false);
  assert.equal(bridge.hairpinMode, true);
  assert.deepEqual(bridge.ipam, {
    type: 'host-local',
    ranges: [[{ subnet: '10.42.3.0/24' }]],
    routes: [{ dst: '0.0.0.0/0' }],
    dataDir: '/d/cni/networks',
  });
  assert.deepEqual(list.plugins[1], { type: 'portmap', capabilities: { portMappings: true }, snat: true });
  assert.deepEqual(list.plugins[2], { type: 'bandwidth', capabilities: { bandwidth: true } });
  assert.deepEqual(loopbackConf().plugins, [{ type: 'loopback' }]);
});

test('an attachment runs portmap and bandwidth only when it has mappings or rates for them', () => {
  const list = buildConfList({ podCIDR: '10.42.3.0/24', bridgeName: 'k8ts0', ipamDataDir: '/d' });
  const types = (args: Parameters<typeof attachmentList>[1]) => attachmentList(list, args).plugins.map((p) => p.type);
  assert.deepEqual(types({}), ['bridge']);
  assert.deepEqual(types({ portMappings: [] }), ['bridge']);
  assert.deepEqual(types({ portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }), ['bridge', 'portmap']);
  assert.deepEqual(types({ bandwidth: { ingressRate: 1e6, ingressBurst: 1 } }), ['bridge', 'bandwidth']);
  assert.equal(attachmentList(list, { portMappings: [{ hostPort: 1, containerPort: 2, protocol: 'udp' }], bandwidth: { egressRate: 1e6 } }), list, 'nothing dropped: the same list');
  assert.equal(list.plugins.length, 3, 'the node list itself is left whole');
  // Plugins of other types are never dropped, whatever they declare.
  const other = { ...list, plugins: [...list.plugins, { type: 'tuning', capabilities: { mac: true } }] };
  assert.deepEqual(attachmentList(other, {}).plugins.map((p) => p.type), ['bridge', 'tuning']);
});

test('plugin stdin carries name, cniVersion, prevResult and only declared capabilities', () => {
  const list = buildConfList({ podCIDR: '10.42.3.0/24', bridgeName: 'b', ipamDataDir: '/x' });
  const prev: CniResult = { cniVersion: '1.0.0', ips: [{ address: '10.42.3.2/24' }] };
  const maps = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
  const first = pluginInvocationConf(list, list.plugins[0]!, undefined, { portMappings: maps });
  assert.equal(first.name, 'k8ts');
  assert.equal(first.cniVersion, '1.0.0');
  assert.equal('prevResult' in first, false);
  assert.equal('runtimeConfig' in first, false, 'bridge declares no capabilities');
  const second = pluginInvocationConf(list, list.plugins[1]!, prev, { portMappings: maps });
  assert.deepEqual(second.prevResult, prev);
  assert.deepEqual(second.runtimeConfig, { portMappings: maps });
  const none = pluginInvocationConf(list, list.plugins[1]!, prev, {});
  assert.equal('runtimeConfig' in none, false);
});

test('hostPorts become portmap mappings; CNI_ARGS names the pod', () => {
  const pod = {
    metadata: { namespace: 'ns1', name: 'web', uid: 'u-1' },
    spec: {
      containers: [
        { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] },
        { ports: [{ containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }] },
      ],
    },
  };
  assert.deepEqual(portMappingsOf(pod), [
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '127.0.0.1' },
  ]);
  assert.equal(cniArgsFor(pod, 'sb1'),
    'IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=sb1;K8S_POD_UID=u-1');
});

test('results: pod IPs are those on sandbox interfaces, without prefix length', () => {
  const r = parseResult(JSON.stringify({
    cniVersion: '1.0.0',
    interfaces: [{ name: 'k8ts0', mac: 'aa' }, { name: 'veth1', mac: 'bb' }, { name: 'eth0', mac: 'cc', sandbox: '/run/netns/x' }],
    ips: [{ address: '10.42.3.1/24', interface: 0 }, { address: 'fd00::5/64', interface: 2 }, { address: '10.42.3.5/24', gateway: '10.42.3.1', interface: 2 }],
  }))!;
  assert.deepEqual(podIPsOf(r), ['10.42.3.5', 'fd00::5']);
  assert.equal(parseResult('  \n'), undefined);
  assert.throws(() => parseResult('[1]'), SyntaxError);
});

test('errors: the spec error object is read; anything else is not', () => {
  assert.deepEqual(parseErrorOutput('{"cniVersion":"1.0.0","code":7,"msg":"bad config","details":"subnet"}'),
    { cniVersion: '1.0.0', code: 7, msg: 'bad config', details: 'subnet' });
  assert.equal(parseErrorOutput('panic: oops'), undefined);
  assert.equal(parseErrorOutput('{"code":"7"}'), undefined);
});

test("CniPodNetwork fits the kubelet's PodNetwork seam and writes under <dataDir>/agent", () => {
  const net = new CniPodNetwork({ dataDir: '/var/lib/k8ts', podCIDR: '10.42.0.0/24', log: silent });
  // A compile-time check as much as a runtime one: the kubelet's Pod must fit PodLike.
  const seam: PodNetwork = net;
  assert.equal(typeof seam.setUp, 'function');
  assert.equal(net.confPath, '/var/lib/k8ts/agent/etc/cni/net.d/10-k8ts.conflist');
  assert.equal(net.confList.plugins[0]!.bridge, 'k8ts0');
  assert.equal((net.confList.plugins[0]!.ipam as { dataDir: string }).dataDir, '/var/lib/k8ts/agent/cni/networks');
});

test('the masquerade table is one atomic nft transaction', () => {
  const script = masqueradeScript('k8ts-podnet', '10.42.7.0/24', '10.42.0.0/16');
  const lines = script.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['table ip k8ts-podnet', 'delete table ip k8ts-podnet', 'table ip k8ts-podnet {']);
  assert.ok(lines.includes('    type nat hook postrouting priority srcnat; policy accept;'));
  assert.ok(lines.includes('    ip saddr 10.42.7.0/24 ip daddr != 10.42.0.0/16 masquerade'));
});

test('bandwidth annotations become the plugin\'s rates in bits per second', () => {
  const annotated = (a: Record<string, string>) => ({ metadata: { annotations: a } });
  assert.equal(bandwidthOf(annotated({}), 'ns/p'), undefined);
  assert.deepEqual(bandwidthOf(annotated({ 'kubernetes.io/ingress-bandwidth': '10M', 'kubernetes.io/egress-bandwidth': '1.5k' }), 'ns/p'), {
    ingressRate: 10_000_000, ingressBurst: 0xffffffff, egressRate: 1500, egressBurst: 0xffffffff,
  });
  assert.throws(() => bandwidthOf(annotated({ 'kubernetes.io/egress-bandwidth': '10' }), 'ns/p'), BandwidthAnnotationError);
  assert.throws(() => bandwidthOf(annotated({ 'kubernetes.io/ingress-bandwidth': '2P' }), 'ns/p'), /above the maximum/);
  assert.throws(() => bandwidthOf(annotated({ 'kubernetes.io/ingress-bandwidth': 'fast' }), 'ns/p'), /ns\/p.*not a quantity/);
});
