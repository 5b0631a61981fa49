import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../client/testing/wait.js';
import { startEndpointsController } from './controller.js';
import type { EndpointSubset } from './subsets.js';
import { fakeCluster, pod, service } from './testing.js';

type Eps = { subsets?: EndpointSubset[]; metadata: { labels?: Record<string, string> } } | undefined;

test('ready pods become addresses, not-ready ones notReadyAddresses, terminating and IP-less ones neither', async (t) => {
  const fake = await fakeCluster(t, startEndpointsController);
  fake.put('pods', pod('a', { ip: '10.42.0.2', hostname: 'a', subdomain: 'web' }));
  fake.put('pods', pod('b', { ip: '10.42.0.3', ready: false }));
  fake.put('pods', pod('c', { ip: '10.42.0.4', terminating: true }));
  fake.put('pods', pod('d'));
  fake.put('pods', pod('other', { ip: '10.42.0.9', labels: { app: 'db' } }));
  fake.put('services', service('web'));
  const eps = () => fake.getObject('endpoints', 'ns', 'web') as Eps;
  await until(() => eps() !== undefined, 'endpoints');
  assert.deepEqual(eps()!.subsets, [
    {
      addresses: [{ ip: '10.42.0.2', hostname: 'a', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }],
      notReadyAddresses: [{ ip: '10.42.0.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ]);
  assert.equal(eps()!.metadata.labels?.tier, 'front');
  // b turns ready; a is deleted.
  fake.put('pods', pod('b', { ip: '10.42.0.3' }));
  fake.remove('pods', 'ns', 'a');
  await until(() => eps()!.subsets?.[0]?.addresses?.map((a) => a.ip).join() === '10.42.0.3' && !eps()!.subsets?.[0]?.notReadyAddresses, 'b ready, a gone');
});

test('named target ports resolve per pod; pods with different numbers go into different subsets', async (t) => {
  const fake = await fakeCluster(t, startEndpointsController);
  fake.put('pods', pod('a', { ip: '10.42.0.2', ports: [{ name: 'web', containerPort: 8080 }] }));
  fake.put('pods', pod('b', { ip: '10.42.0.3', ports: [{ name: 'web', containerPort: 9090 }] }));
  fake.put('pods', pod('c', { ip: '10.42.0.4', ports: [{ name: 'web', containerPort: 8080 }] }));
  fake.put('pods', pod('none', { ip: '10.42.0.5' }));
  fake.put('services', service('web', { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] }));
  const eps = () => fake.getObject('endpoints', 'ns', 'web') as Eps;
  await until(() => eps() !== undefined, 'endpoints');
  const subsets = eps()!.subsets!;
  assert.equal(subsets.length, 2);
  const byPort = new Map(subsets.map((s) => [s.ports![0].port, s.addresses!.map((a) => a.ip)]));
  assert.deepEqual(byPort.get(8080), ['10.42.0.2', '10.42.0.4']);
  assert.deepEqual(byPort.get(9090), ['10.42.0.3']);
});

test('publishNotReadyAddresses puts every pod, terminating ones too, in addresses', async (t) => {
  const fake = await fakeCluster(t, startEndpointsController);
  fake.put('pods', pod('a', { ip: '10.42.0.2', ready: false }));
  fake.put('pods', pod('b', { ip: '10.42.0.3', terminating: true }));
  fake.put('services', service('web', { publishNotReadyAddresses: true, clusterIP: 'None' }));
  const eps = () => fake.getObject('endpoints', 'ns', 'web') as Eps;
  await until(() => eps() !== undefined, 'endpoints');
  assert.deepEqual(eps()!.subsets![0].addresses!.map((a) => a.ip), ['10.42.0.2', '10.42.0.3']);
  assert.equal(eps()!.subsets![0].notReadyAddresses, undefined);
  assert.equal(eps()!.metadata.labels?.['service.kubernetes.io/headless'], '');
});

test('a selector change moves the addresses; a Service without selector keeps its own endpoints; deletion removes them', async (t) => {
  const fake = await fakeCluster(t, startEndpointsController);
  fake.put('pods', pod('a', { ip: '10.42.0.2' }));
  fake.put('pods', pod('db', { ip: '10.42.0.7', labels: { app: 'db' } }));
  fake.put('services', service('web'));
  const eps = (n = 'web') => fake.getObject('endpoints', 'ns', n) as Eps;
  const ips = (n = 'web') => (eps(n)?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).join();
  await until(() => ips() === '10.42.0.2', 'web endpoints');
  const svc = fake.getObject('services', 'ns', 'web')!;
  fake.put('services', { ...svc, spec: { ...(svc.spec as object), selector: { app: 'db' } } });
  await until(() => ips() === '10.42.0.7', 'moved to db');
  const manual = { metadata: { namespace: 'ns', name: 'ext' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 5432, protocol: 'TCP' }] }] };
  fake.put('endpoints', manual);
  fake.put('services', service('ext', { selector: undefined, ports: [{ port: 5432 }] }));
  fake.remove('services', 'ns', 'web');
  await until(() => eps() === undefined, 'web endpoints deleted');
  assert.equal(ips('ext'), '192.0.2.1');
  // Deleting the selectorless Service takes its Endpoints with it.
  fake.remove('services', 'ns', 'ext');
  await until(() => eps('ext') === undefined, 'ext endpoints deleted');
});
