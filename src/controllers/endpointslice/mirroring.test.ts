import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../client/testing/wait.js';
import { fakeCluster, service } from '../endpoints/testing.js';
import { startEndpointSliceMirroringController } from './mirroring-controller.js';
import type { EndpointSliceObj } from './apply.js';

const mirrorLabel = 'endpointslicemirroring-controller.k8s.io';

test('user-made Endpoints of a selectorless Service are mirrored into slices, and follow it', async (t) => {
  const fake = await fakeCluster(t, startEndpointSliceMirroringController);
  const slices = () => (fake.listObjects('endpointslices', 'ns') as EndpointSliceObj[]).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'db');
  fake.put('services', service('db', { selector: undefined, ports: [{ name: 'pg', port: 5432 }] }));
  const eps = fake.put('endpoints', {
    metadata: { namespace: 'ns', name: 'db', labels: { owner: 'me' } },
    subsets: [{ addresses: [{ ip: '192.0.2.1' }], notReadyAddresses: [{ ip: '192.0.2.2' }], ports: [{ name: 'pg', port: 5432 }] }],
  });
  await until(() => slices().length === 1, 'mirrored slice');
  const s = slices()[0];
  assert.equal(s.metadata.labels!['endpointslice.kubernetes.io/managed-by'], mirrorLabel);
  assert.equal(s.metadata.labels!.owner, 'me');
  assert.equal(s.metadata.labels!.tier, undefined);
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: eps.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(s.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
  assert.deepEqual(s.endpoints, [
    { addresses: ['192.0.2.1'], conditions: { ready: true, serving: true, terminating: false } },
    { addresses: ['192.0.2.2'], conditions: { ready: false, serving: false, terminating: false } },
  ]);
  // An edit of the Endpoints is mirrored in place; skip-mirror removes the mirror.
  fake.put('endpoints', { ...eps, subsets: [{ addresses: [{ ip: '192.0.2.3' }], ports: [{ name: 'pg', port: 5432 }] }] });
  await until(() => slices()[0]?.endpoints?.map((e) => e.addresses[0]).join() === '192.0.2.3', 'edit mirrored');
  assert.equal(slices()[0].metadata.name, s.metadata.name);
  fake.put('endpoints', { ...eps, metadata: { ...eps.metadata, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } });
  await until(() => slices().length === 0, 'mirror removed');
});

test('Endpoints of a Service with a selector are not mirrored', async (t) => {
  const fake = await fakeCluster(t, startEndpointSliceMirroringController);
  fake.put('services', service('web'));
  fake.put('endpoints', { metadata: { namespace: 'ns', name: 'web' }, subsets: [{ addresses: [{ ip: '10.42.0.2' }], ports: [{ port: 8080 }] }] });
  fake.put('services', service('other', { selector: undefined }));
  fake.put('endpoints', { metadata: { namespace: 'ns', name: 'other' }, subsets: [{ addresses: [{ ip: '10.42.0.3' }], ports: [{ port: 8080 }] }] });
  await until(() => fake.listObjects('endpointslices', 'ns').length === 1, 'other mirrored');
  assert.equal((fake.listObjects('endpointslices', 'ns')[0] as EndpointSliceObj).metadata.labels!['kubernetes.io/service-name'], 'other');
});
