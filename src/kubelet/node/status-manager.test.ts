import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import type { KObject } from '../../client/types.js';
import { FakeImageService, FakeRuntimeService } from '../../runtime/fake/index.js';
import type { HostInfo } from './host-info.js';
import { NodeStatusManager } from './status-manager.js';
import type { NodeStatus } from './node-status.js';

const GiB = 1024 ** 3;
const resources = [...coreResources, { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }];

function fixedHost(): HostInfo {
  return {
    cpuCores: 4, memory: { totalBytes: 16 * GiB, availableBytes: 8 * GiB }, fs: { capacityBytes: 100 * GiB, availableBytes: 80 * GiB },
    pids: { max: 32768, running: 100 }, machineID: 'mid', systemUUID: 'uuid', bootID: 'boot', kernelVersion: '6.1.0', osImage: 'Test OS',
  };
}

type NodeObj = KObject & { status: NodeStatus; spec?: { podCIDR?: string } };

test('registers the node, reports status only when changed or due, renews the lease', async (t) => {
  const api = new FakeApiServer(resources);
  const url = await api.start();
  t.after(() => api.stop());
  const client = new RestClient({ server: url });
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const images = new FakeImageService();
  await images.pullImage({ image: 'busybox' });
  let host = fixedHost();
  const m = new NodeStatusManager({
    client, nodeName: 'node-a', isServer: true, labels: { extra: 'yes' }, clock, runtime: new FakeRuntimeService(), images,
    internalIP: '192.0.2.10', kubeletPort: 12345, readHost: async () => host, podCIDRHint: '10.42.7.0/24',
  });
  await m.start();
  t.after(() => m.stop());

  const node = await client.get<NodeObj>('/api/v1/nodes/node-a');
  const labels = node.metadata.labels ?? {};
  assert.equal(labels['kubernetes.io/hostname'], 'node-a');
  assert.equal(labels['node-role.kubernetes.io/control-plane'], 'true');
  assert.equal(labels['node-role.kubernetes.io/master'], 'true');
  assert.equal(labels.extra, 'yes');
  assert.equal(node.spec?.podCIDR, '10.42.7.0/24');
  assert.equal(node.status.capacity.cpu, '4');
  assert.equal(node.status.nodeInfo.containerRuntimeVersion, 'fake://0.1.0');
  assert.equal(node.status.daemonEndpoints.kubeletEndpoint.Port, 12345);
  assert.deepEqual(node.status.addresses[0], { type: 'InternalIP', address: '192.0.2.10' });
  assert.deepEqual(node.status.images.map((i) => i.names), [['busybox:latest']]);
  assert.equal(node.status.conditions.find((c) => c.type === 'Ready')?.status, 'True');

  const lease = await client.get<KObject & { spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a');
  assert.equal(lease.spec.holderIdentity, 'node-a');
  assert.equal(lease.spec.leaseDurationSeconds, 40);
  assert.equal(lease.metadata.ownerReferences?.[0]?.uid, node.metadata.uid);

  const statusWrites = () => api.requests.filter((r) => r.startsWith('PATCH /api/v1/nodes/node-a/status')).length;
  const leaseWrites = () => api.requests.filter((r) => r.startsWith('PUT /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-a')).length;
  assert.equal(statusWrites(), 1);
  // Nothing changed: ten seconds later the lease is renewed, the status is not written.
  clock.advance(10_000);
  await until(() => leaseWrites() === 1, 'the lease renewal');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(statusWrites(), 1);
  // Memory pressure is a change: written at the next period.
  host = { ...host, memory: { totalBytes: 16 * GiB, availableBytes: 10 * 1024 * 1024 } };
  clock.advance(10_000);
  await until(() => statusWrites() === 2, 'the status update after a change');
  const after = await client.get<NodeObj>('/api/v1/nodes/node-a');
  assert.equal(after.status.conditions.find((c) => c.type === 'MemoryPressure')?.status, 'True');
  // Five minutes with no change still report once.
  for (let i = 0; i < 30; i++) {
    clock.advance(10_000);
    await new Promise((r) => setTimeout(r, 5));
  }
  await until(() => statusWrites() >= 3, 'the periodic status report');
});

test('takes over an existing Node and keeps its transition times', async (t) => {
  const api = new FakeApiServer(resources);
  const url = await api.start();
  t.after(() => api.stop());
  const client = new RestClient({ server: url });
  await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b', labels: { keep: 'me' } }, spec: { podCIDR: '10.42.3.0/24' } });
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const m1 = new NodeStatusManager({ client, nodeName: 'node-b', isServer: false, clock, readHost: async () => fixedHost(), internalIP: '192.0.2.11' });
  await m1.register();
  await m1.syncStatus(true);
  m1.stop();
  clock.advance(60_000);
  const m2 = new NodeStatusManager({ client, nodeName: 'node-b', isServer: false, clock, readHost: async () => fixedHost(), internalIP: '192.0.2.11', podCIDRHint: '10.42.9.0/24' });
  await m2.register();
  await m2.syncStatus(true);
  const node = await client.get<NodeObj>('/api/v1/nodes/node-b');
  assert.equal(node.metadata.labels?.keep, 'me');
  assert.equal(node.metadata.labels?.['node-role.kubernetes.io/control-plane'], undefined);
  assert.equal(node.spec?.podCIDR, '10.42.3.0/24');
  const ready = node.status.conditions.find((c) => c.type === 'Ready')!;
  assert.equal(ready.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(ready.lastHeartbeatTime, '2026-01-01T00:01:00Z');
});
