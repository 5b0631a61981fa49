import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConflict, isNotFound } from './errors.js';
import { ResourceClient } from './resource-client.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import type { KObject } from './types.js';

test('a resource client builds paths and round-trips objects', async (t) => {
  const fake = new FakeApiServer();
  const rest = new RestClient({ server: await fake.start() });
  t.after(async () => {
    rest.close();
    await fake.stop();
  });
  const cms = new ResourceClient<KObject & { data?: Record<string, string> }>(rest, { group: '', version: 'v1', resource: 'configmaps' });
  const deps = new ResourceClient(rest, { group: 'apps', version: 'v1', resource: 'deployments' });
  assert.equal(cms.path('ns', 'a', 'status'), '/api/v1/namespaces/ns/configmaps/a/status');
  assert.equal(deps.path(), '/apis/apps/v1/deployments');
  const made = await cms.create({ metadata: { namespace: 'ns', name: 'a' }, data: { k: 'v' } });
  assert.equal(made.kind, 'ConfigMap');
  const got = await cms.get('ns', 'a');
  assert.deepEqual(got.data, { k: 'v' });
  const updated = await cms.update({ ...got, data: { k: 'w' } });
  await assert.rejects(cms.update({ ...got, data: { k: 'stale' } }), isConflict);
  const patched = await cms.patch('ns', 'a', { data: { x: 'y' } });
  assert.deepEqual(patched.data, { k: 'w', x: 'y' });
  assert.notEqual(patched.metadata.resourceVersion, updated.metadata.resourceVersion);
  assert.equal((await cms.list()).items.length, 1);
  assert.equal((await cms.list('other')).items.length, 0);
  await cms.create({ metadata: { namespace: 'ns', name: 'b' } });
  await cms.delete('ns', 'a');
  await assert.rejects(cms.get('ns', 'a'), isNotFound);
  await cms.deleteCollection('ns');
  assert.equal((await cms.list('ns')).items.length, 0);
});
