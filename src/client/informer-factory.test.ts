import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InformerFactory } from './informer-factory.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { until } from './testing/wait.js';
import { podsByNodeName } from './lister.js';

test('the same collection gives the same informer; late handlers replay the cache', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  const f = new InformerFactory({ client });
  t.after(async () => {
    await f.stop();
    client.close();
    await fake.stop();
  });
  fake.put('pods', { metadata: { namespace: 'a', name: 'p' } });
  const a = f.informer({ resource: { group: '', version: 'v1', resource: 'pods' } });
  const b = f.informer({ resource: { group: '', version: 'v1', resource: 'pods' } });
  const c = f.informer({ resource: { group: '', version: 'v1', resource: 'pods', namespace: 'a' } });
  assert.equal(a, b);
  assert.notEqual(a, c);
  f.start();
  assert.equal(await f.waitForSync(), true);
  const late: string[] = [];
  const off = a.addEventHandler({ onAdd: (o) => late.push(o.metadata.name!) });
  assert.deepEqual(late, ['p']);
  off();
  fake.put('pods', { metadata: { namespace: 'a', name: 'q' } });
  await until(() => a.lister.list().length === 2, 'cache updated');
  assert.deepEqual(late, ['p'], 'removed handler not called');
  const d = f.informer({ resource: { group: '', version: 'v1', resource: 'configmaps' } });
  assert.equal(await d.waitForSync(), true, 'made after start, started at once');
  assert.equal(fake.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && !r.includes('watch')).length, 1);
});

test('every request brings its indexers to the shared informer, even after it synced', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  const f = new InformerFactory({ client });
  t.after(async () => {
    await f.stop();
    client.close();
    await fake.stop();
  });
  fake.put('pods', { metadata: { namespace: 'a', name: 'p' }, spec: { nodeName: 'n1' } });
  const pods = { group: '', version: 'v1', resource: 'pods' };
  const first = f.informer({ resource: pods });
  f.start();
  assert.equal(await f.waitForSync(), true);
  const byNode = podsByNodeName;
  const second = f.informer({ resource: pods, indexers: { node: byNode } });
  assert.equal(first, second);
  assert.deepEqual(second.lister.byIndex('node', 'n1').map((p) => p.metadata.name), ['p'], 'existing objects filed under the new index');
  fake.put('pods', { metadata: { namespace: 'a', name: 'q' }, spec: { nodeName: 'n1' } });
  await until(() => first.lister.byIndex('node', 'n1').length === 2, 'new objects indexed too');
});
