import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { startServiceAccountController } from './controller.js';

test('every active namespace gets a default ServiceAccount, recreated when deleted', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  fake.put('namespaces', { metadata: { name: 'a' } });
  fake.put('namespaces', { metadata: { name: 'has-one' } });
  fake.put('serviceaccounts', { metadata: { namespace: 'has-one', name: 'default' } });
  const term = fake.put('namespaces', { metadata: { name: 'dying' } });
  fake.put('namespaces', { ...term, metadata: { ...term.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
  const c = startServiceAccountController({ client, log });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  const sa = (ns: string) => fake.getObject('serviceaccounts', ns, 'default');
  await until(() => sa('a') !== undefined, 'default in a');
  assert.equal(sa('a')?.kind, 'ServiceAccount');

  fake.put('namespaces', { metadata: { name: 'b' } });
  await until(() => sa('b') !== undefined, 'default in new namespace b');

  fake.remove('serviceaccounts', 'a', 'default');
  await until(() => sa('a') !== undefined, 'recreated in a');

  await new Promise((r) => setTimeout(r, 50));
  const posts = fake.requests.filter((r) => r.startsWith('POST'));
  assert.deepEqual(posts.sort(), ['POST /api/v1/namespaces/a/serviceaccounts', 'POST /api/v1/namespaces/a/serviceaccounts', 'POST /api/v1/namespaces/b/serviceaccounts']);
  assert.equal(sa('dying'), undefined, 'terminating namespaces get none');
});

test('stop before the caches sync ends cleanly', async () => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  try {
    fake.intercept = () => true; // never answer the lists
    const c = startServiceAccountController({ client, log: { info: () => {}, warn: () => {}, error: () => {} } });
    await new Promise((r) => setTimeout(r, 20));
    await c.stop();
    assert.ok(!fake.requests.some((r) => r.startsWith('POST')));
  } finally {
    fake.intercept = undefined;
    client.close();
    await fake.stop();
  }
});
