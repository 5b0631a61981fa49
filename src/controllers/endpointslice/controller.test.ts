import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../client/testing/wait.js';
import { fakeCluster, pod, service } from '../endpoints/testing.js';
import { startEndpointSliceController } from './controller.js';
import type { EndpointSliceObj } from './sync.js';

function slicesOf(fake: Awaited<ReturnType<typeof fakeCluster>>, svc: string): EndpointSliceObj[] {
  return (fake.listObjects('endpointslices', 'ns') as EndpointSliceObj[]).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
}

test('a slice with ready, not-ready and terminating endpoints, labels, owner, zone and ports', async (t) => {
  const fake = await fakeCluster(t, startEndpointSliceController);
  fake.put('nodes', { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } });
  fake.put('pods', pod('a', { ip: '10.42.0.2' }));
  fake.put('pods', pod('b', { ip: '10.42.0.3', ready: false }));
  fake.put('pods', pod('c', { ip: '10.42.0.4', terminating: true }));
  fake.put('pods', pod('d', { ip: '10.42.0.5', terminating: true, ready: false }));
  fake.put('pods', pod('noip'));
  fake.put('services', service('web'));
  await until(() => slicesOf(fake, 'web').length === 1, 'a slice');
  const s = slicesOf(fake, 'web')[0];
  assert.match(s.metadata.name!, /^web-[a-z0-9]{5}$/);
  assert.equal(s.metadata.labels!['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(s.metadata.labels!.tier, 'front');
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid-web', controller: true, blockOwnerDeletion: true }]);
  assert.equal(s.addressType, 'IPv4');
  assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const byIp = new Map((s.endpoints ?? []).map((e) => [e.addresses[0], e]));
  assert.equal(byIp.size, 4);
  assert.deepEqual(byIp.get('10.42.0.2'), { addresses: ['10.42.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', zone: 'z1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } });
  assert.deepEqual(byIp.get('10.42.0.3')!.conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(byIp.get('10.42.0.4')!.conditions, { ready: false, serving: true, terminating: true });
  assert.deepEqual(byIp.get('10.42.0.5')!.conditions, { ready: false, serving: false, terminating: true });
  // A pod becoming ready is an update in place of the same slice.
  fake.put('pods', pod('b', { ip: '10.42.0.3' }));
  await until(() => slicesOf(fake, 'web')[0]?.endpoints?.find((e) => e.addresses[0] === '10.42.0.3')?.conditions.ready === true, 'b ready');
  assert.equal(slicesOf(fake, 'web').length, 1);
  assert.equal(slicesOf(fake, 'web')[0].metadata.name, s.metadata.name);
});

test('at most 100 endpoints a slice; named ports split slices; publishNotReadyAddresses marks all ready', async (t) => {
  const fake = await fakeCluster(t, startEndpointSliceController);
  for (let i = 0; i < 150; i++) fake.put('pods', pod(`p${i}`, { ip: `10.42.${1 + (i >> 8)}.${i & 255}`, ports: [{ name: 'web', containerPort: 8080 }] }));
  fake.put('pods', pod('odd', { ip: '10.42.9.9', ready: false, ports: [{ name: 'web', containerPort: 9090 }] }));
  fake.put('services', service('web', { publishNotReadyAddresses: true, ports: [{ name: 'http', port: 80, targetPort: 'web' }] }));
  const count = () => slicesOf(fake, 'web').reduce((n, s) => n + (s.endpoints ?? []).length, 0);
  await until(() => count() === 151, 'all endpoints');
  const slices = slicesOf(fake, 'web');
  assert.equal(slices.length, 3);
  for (const s of slices) assert.ok((s.endpoints ?? []).length <= 100);
  const odd = slices.find((s) => s.ports?.[0].port === 9090)!;
  assert.deepEqual(odd.endpoints!.map((e) => [e.addresses[0], e.conditions.ready]), [['10.42.9.9', true]]);
  assert.equal(slices.filter((s) => s.ports?.[0].port === 8080).length, 2);
});

test('selector change, a slice deleted behind its back, an empty placeholder, and the Service deleted', async (t) => {
  const fake = await fakeCluster(t, startEndpointSliceController);
  fake.put('pods', pod('a', { ip: '10.42.0.2' }));
  fake.put('services', service('web'));
  const ips = () => slicesOf(fake, 'web').flatMap((s) => (s.endpoints ?? []).map((e) => e.addresses[0])).join();
  await until(() => ips() === '10.42.0.2', 'slice');
  fake.remove('endpointslices', 'ns', slicesOf(fake, 'web')[0].metadata.name!);
  await until(() => ips() === '10.42.0.2', 'slice recreated');
  const svc = fake.getObject('services', 'ns', 'web')!;
  fake.put('services', { ...svc, spec: { ...(svc.spec as object), selector: { app: 'none' } } });
  await until(() => slicesOf(fake, 'web').length === 1 && ips() === '', 'placeholder');
  assert.deepEqual(slicesOf(fake, 'web')[0].endpoints, []);
  // Slices of other managers are left alone.
  fake.put('endpointslices', { metadata: { namespace: 'ns', name: 'web-manual', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'someone-else' } }, addressType: 'IPv4', endpoints: [] });
  fake.remove('services', 'ns', 'web');
  await until(() => slicesOf(fake, 'web').length === 1, 'managed slices deleted');
  assert.equal(slicesOf(fake, 'web')[0].metadata.name, 'web-manual');
});

test('a Service without a selector: its owned slices go, the API server\'s unowned one stays', async (t) => {
  const fake = await fakeCluster(t, startEndpointSliceController);
  fake.put('pods', pod('a', { ip: '10.42.0.2' }));
  fake.put('services', service('web'));
  await until(() => slicesOf(fake, 'web').length === 1, 'slice');
  const managed = { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' };
  fake.put('endpointslices', { metadata: { namespace: 'ns', name: 'kubernetes', labels: managed }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }] });
  fake.put('services', service('kubernetes', { selector: undefined, ports: [{ name: 'https', port: 443 }] }));
  const svc = fake.getObject('services', 'ns', 'web')!;
  fake.put('services', { ...svc, spec: { ...(svc.spec as object), selector: undefined } });
  await until(() => slicesOf(fake, 'web').length === 0, 'owned slice deleted');
  assert.equal(slicesOf(fake, 'kubernetes').length, 1);
  fake.put('services', service('alias', { type: 'ExternalName' }));
  fake.put('services', service('after'));
  await until(() => slicesOf(fake, 'after').length === 1, 'a later Service has its slice');
  assert.equal(slicesOf(fake, 'alias').length, 0, 'no slices for ExternalName');
});
