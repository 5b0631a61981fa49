import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { startRootCACertPublisher } from './controller.js';

const ca = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';

test('kube-root-ca.crt is published in every active namespace and kept as it should be', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  fake.put('namespaces', { metadata: { name: 'a' } });
  const dying = fake.put('namespaces', { metadata: { name: 'dying' } });
  fake.put('namespaces', { ...dying, metadata: { ...dying.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
  fake.put('configmaps', { metadata: { namespace: 'a', name: 'unrelated' }, data: { x: 'y' } });
  const c = startRootCACertPublisher({ client, log: { info: () => {}, warn: () => {}, error: () => {} }, caPem: ca });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  const cm = (ns: string) => fake.getObject('configmaps', ns, 'kube-root-ca.crt') as { data?: Record<string, string>; metadata: { annotations?: Record<string, string> } } | undefined;
  await until(() => cm('a') !== undefined, 'published in a');
  assert.deepEqual(cm('a')?.data, { 'ca.crt': ca });
  assert.match(cm('a')?.metadata.annotations?.['kubernetes.io/description'] ?? '', /CA bundle/);
  assert.ok(fake.requests.some((r) => r.includes('fieldSelector=metadata.name%3Dkube-root-ca.crt')));

  fake.put('namespaces', { metadata: { name: 'b' } });
  await until(() => cm('b') !== undefined, 'published in new namespace b');

  const tampered = fake.getObject('configmaps', 'a', 'kube-root-ca.crt')!;
  fake.put('configmaps', { ...tampered, data: { 'ca.crt': 'wrong', extra: '1' } });
  await until(() => cm('a')?.data?.['ca.crt'] === ca && cm('a')?.data?.extra === undefined, 'restored');

  fake.remove('configmaps', 'b', 'kube-root-ca.crt');
  await until(() => cm('b') !== undefined, 'recreated');
  assert.equal(cm('dying'), undefined);
  assert.deepEqual(fake.getObject('configmaps', 'a', 'unrelated')?.data, { x: 'y' });
});
