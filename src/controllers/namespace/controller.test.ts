import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import type { KObject } from '../../client/types.js';
import { startNamespaceController } from './controller.js';
import { discoverDeletableResources } from './discovery.js';
import type { NamespaceCondition } from './conditions.js';

const resources = [
  ...coreResources,
  { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true, verbs: ['get', 'list', 'create'] },
  { group: 'example.com', version: 'v1', resource: 'gadgets', kind: 'Gadget', namespaced: true, verbs: ['get', 'list', 'create', 'delete'] },
];

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  let stop: (() => Promise<void>) | undefined;
  t.after(async () => {
    await stop?.();
    client.close();
    await fake.stop();
  });
  const start = () => {
    const c = startNamespaceController({ client, log, requeueAfterMs: 20 });
    stop = () => c.stop();
  };
  const conditions = (name: string) => ((fake.getObject('namespaces', undefined, name)?.status as { conditions?: NamespaceCondition[] } | undefined)?.conditions ?? []);
  return { fake, client, logs, start, conditions };
}

const obj = (ns: string, name: string, extra: Partial<KObject['metadata']> = {}): KObject => ({ metadata: { namespace: ns, name, ...extra } });

test('discovery keeps namespaced resources with list and delete, no subresources', async (t) => {
  const { client } = await setup(t);
  const d = await discoverDeletableResources(client);
  const names = d.resources.map((r) => (r.group ? `${r.resource}.${r.group}` : r.resource)).sort();
  assert.deepEqual(names, ['configmaps', 'deployments.apps', 'events', 'gadgets.example.com', 'leases.coordination.k8s.io', 'pods', 'serviceaccounts']);
  assert.equal(d.resources.find((r) => r.resource === 'gadgets')?.deleteCollection, false);
  assert.equal(d.resources.find((r) => r.resource === 'pods')?.deleteCollection, true);
  assert.equal(d.failures.size, 0);
});

test('a deleted namespace is emptied, waits for held content, then is finalized', async (t) => {
  const { fake, client, start, conditions } = await setup(t);
  for (const ns of ['doomed', 'keep']) fake.put('namespaces', { metadata: { name: ns } });
  fake.put('pods', obj('doomed', 'web'));
  fake.put('pods', obj('doomed', 'held', { finalizers: ['example.com/hold'] }));
  fake.put('configmaps', obj('doomed', 'cfg'));
  fake.put('deployments', obj('doomed', 'app'));
  fake.put('gadgets', obj('doomed', 'g1'));
  fake.put('gadgets', obj('doomed', 'g2'));
  fake.put('pods', obj('keep', 'survivor'));
  start();
  await client.delete('/api/v1/namespaces/doomed');
  await until(() => fake.listObjects('configmaps', 'doomed').length === 0 && fake.listObjects('deployments', 'doomed').length === 0, 'content deleted');
  await until(() => conditions('doomed').some((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True'), 'finalizer condition');
  const byType = new Map(conditions('doomed').map((c) => [c.type, c]));
  assert.equal(byType.get('NamespaceContentRemaining')?.status, 'True');
  assert.match(byType.get('NamespaceContentRemaining')?.message ?? '', /pods has 1 resource instances/);
  assert.match(byType.get('NamespaceFinalizersRemaining')?.message ?? '', /example\.com\/hold has 1/);
  assert.equal(byType.get('NamespaceDeletionDiscoveryFailure')?.status, 'False');
  assert.ok(fake.getObject('namespaces', undefined, 'doomed'), 'namespace stays while content remains');
  assert.ok(fake.getObject('pods', 'doomed', 'held')?.metadata.deletionTimestamp, 'held pod is terminating');
  const before = fake.requests.filter((r) => r === 'DELETE /api/v1/namespaces/doomed/pods').length;
  await until(() => fake.requests.filter((r) => r === 'DELETE /api/v1/namespaces/doomed/pods').length > before + 1, 'requeued passes');

  // The finalizer's owner finishes: the pod goes, and so does the namespace.
  const held = fake.getObject('pods', 'doomed', 'held')!;
  await client.update('/api/v1/namespaces/doomed/pods/held', { ...held, metadata: { ...held.metadata, finalizers: [] } });
  await until(() => fake.getObject('namespaces', undefined, 'doomed') === undefined, 'namespace deleted');
  assert.ok(fake.requests.includes('PUT /api/v1/namespaces/doomed/finalize'));
  assert.ok(fake.requests.includes('DELETE /apis/apps/v1/namespaces/doomed/deployments'));
  assert.ok(!fake.requests.some((r) => r.includes('widgets') && r.startsWith('DELETE')), 'nothing deleted where delete is not served');
  assert.ok(fake.requests.includes('DELETE /apis/example.com/v1/namespaces/doomed/gadgets/g1'), 'one by one without deletecollection');
  assert.ok(!fake.requests.includes('DELETE /apis/example.com/v1/namespaces/doomed/gadgets'));
  assert.equal(fake.listObjects('gadgets', 'doomed').length, 0);
  assert.ok(!fake.requests.some((r) => r.startsWith('DELETE') && r.includes('/status')), 'subresources skipped');
  assert.ok(!fake.requests.some((r) => r.startsWith('DELETE /api/v1/namespaces/keep')), 'other namespaces untouched');
  assert.equal(fake.listObjects('pods', 'keep').length, 1);
  assert.ok(fake.getObject('namespaces', undefined, 'keep'));
});

test('a failing discovery blocks finalization until it recovers', async (t) => {
  const { fake, client, start, conditions } = await setup(t);
  fake.put('namespaces', { metadata: { name: 'x' } });
  fake.put('configmaps', obj('x', 'c'));
  let failing = true;
  fake.intercept = (_req, res, url) => {
    if (!failing || url.pathname !== '/apis/apps/v1') return false;
    res.writeHead(503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'apps unavailable' }));
    return true;
  };
  start();
  await client.delete('/api/v1/namespaces/x');
  await until(() => conditions('x').some((c) => c.type === 'NamespaceDeletionDiscoveryFailure' && c.status === 'True'), 'discovery condition');
  assert.equal(fake.listObjects('configmaps', 'x').length, 0, 'what could be found was deleted');
  assert.ok(fake.getObject('namespaces', undefined, 'x'), 'not finalized');
  assert.ok(!fake.requests.includes('PUT /api/v1/namespaces/x/finalize'));
  failing = false;
  await until(() => fake.getObject('namespaces', undefined, 'x') === undefined, 'finalized after recovery', 8000);
});

test('namespaces without the kubernetes finalizer or not being deleted are left alone', async (t) => {
  const { fake, start } = await setup(t);
  fake.put('namespaces', { metadata: { name: 'live' } });
  fake.put('namespaces', { metadata: { name: 'other', deletionTimestamp: '2026-01-01T00:00:00Z' }, spec: { finalizers: ['example.com/x'] } });
  fake.put('configmaps', obj('other', 'c'));
  fake.put('configmaps', obj('live', 'c'));
  start();
  await until(() => fake.requests.some((r) => r.startsWith('GET /api/v1/namespaces/other')), 'looked at other');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(fake.listObjects('configmaps').length, 2);
  assert.ok(!fake.requests.some((r) => r.startsWith('DELETE')));
});

test('a deleted namespace not yet marked Terminating is marked so', async (t) => {
  const { fake, start } = await setup(t);
  const ns = fake.put('namespaces', { metadata: { name: 'odd' } });
  fake.put('configmaps', obj('odd', 'held', { finalizers: ['example.com/hold'] }));
  fake.put('namespaces', { ...ns, metadata: { ...ns.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Active' } });
  start();
  await until(() => (fake.getObject('namespaces', undefined, 'odd')?.status as { phase?: string }).phase === 'Terminating', 'phase Terminating');
});
