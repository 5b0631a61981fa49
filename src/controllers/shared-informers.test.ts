import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InformerFactory } from '../client/informer-factory.js';
import { RestClient } from '../client/rest-client.js';
import { FakeApiServer } from '../client/testing/fake-apiserver.js';
import { until } from '../client/testing/wait.js';
import { startNamespaceController } from './namespace/index.js';
import { startServiceAccountController } from './serviceaccount/index.js';

test('controllers given one informer factory share the namespace list and watch', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  const informers = new InformerFactory({ client, log });
  const ns = startNamespaceController({ client, log, informers, requeueAfterMs: 20 });
  const sa = startServiceAccountController({ client, log, informers });
  t.after(async () => {
    await ns.stop();
    await sa.stop();
    await informers.stop();
    client.close();
    await fake.stop();
  });
  fake.put('namespaces', { metadata: { name: 'x' } });
  await until(() => fake.getObject('serviceaccounts', 'x', 'default') !== undefined, 'default account');
  await client.delete('/api/v1/namespaces/x');
  await until(() => fake.getObject('namespaces', undefined, 'x') === undefined, 'namespace finalized');
  assert.equal(fake.requests.filter((r) => r.startsWith('GET /api/v1/namespaces?') && !r.includes('watch')).length, 1);
  assert.equal(fake.listObjects('serviceaccounts', 'x').length, 0, 'not recreated in a terminating namespace');
});
