import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { startGarbageCollector } from './controller.js';
import { resourceForKind, discoverGcResources } from './discovery.js';

const resources = [...coreResources, { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true }];

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  let gc: { stop(): Promise<void> } | undefined;
  t.after(async () => {
    await gc?.stop();
    client.close();
    await fake.stop();
  });
  const start = () => {
    gc = startGarbageCollector({ client, log, rediscoveryMs: 60_000 });
  };
  return { fake, start, logs, client };
}

const ref = (kind: string, apiVersion: string, name: string, uid: string, block = false) => ({ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: block });

/** A Deployment d, its ReplicaSet rs and the ReplicaSet's pod p, all in namespace ns. */
function chain(fake: FakeApiServer, block = false) {
  fake.put('deployments', { metadata: { namespace: 'ns', name: 'd', uid: 'd-uid' } });
  fake.put('replicasets', { metadata: { namespace: 'ns', name: 'rs', uid: 'rs-uid', ownerReferences: [ref('Deployment', 'apps/v1', 'd', 'd-uid', block)] } });
  fake.put('pods', { metadata: { namespace: 'ns', name: 'p', uid: 'p-uid', ownerReferences: [ref('ReplicaSet', 'apps/v1', 'rs', 'rs-uid', block)] } });
}

test('discovery follows listable, watchable, deletable resources and resolves owner kinds', async (t) => {
  const { client } = await setup(t);
  {
    const d = await discoverGcResources(client);
    assert.ok(d.preferred.some((r) => r.resource === 'replicasets' && r.group === 'apps'));
    assert.ok(d.preferred.every((r) => !r.resource.includes('/')));
    assert.equal(resourceForKind(d.resources, 'apps/v1', 'Deployment')?.resource, 'deployments');
    assert.equal(resourceForKind(d.resources, 'v1', 'Pod')?.namespaced, true);
    assert.equal(resourceForKind(d.resources, 'v1', 'Nothing'), undefined);
  }
});

test('background: an owner gone takes its dependents, and theirs', async (t) => {
  const { fake, start } = await setup(t);
  chain(fake);
  fake.put('pods', { metadata: { namespace: 'ns', name: 'free', uid: 'free-uid' } });
  start();
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(fake.getObject('replicasets', 'ns', 'rs'), 'a dependent of a live owner stays');
  fake.remove('deployments', 'ns', 'd');
  await until(() => !fake.getObject('replicasets', 'ns', 'rs') && !fake.getObject('pods', 'ns', 'p'), 'rs and p deleted');
  assert.ok(fake.getObject('pods', 'ns', 'free'), 'an object without owners is never collected');
});

test('an owner gone before the collector started is confirmed by GET and its dependents deleted', async (t) => {
  const { fake, start } = await setup(t);
  fake.put('replicasets', { metadata: { namespace: 'ns', name: 'rs', uid: 'rs-uid', ownerReferences: [ref('Deployment', 'apps/v1', 'd', 'old-uid')] } });
  // Same name, new uid: not the owner the ReplicaSet names.
  fake.put('deployments', { metadata: { namespace: 'ns', name: 'd', uid: 'new-uid' } });
  start();
  await until(() => !fake.getObject('replicasets', 'ns', 'rs'), 'rs deleted');
  assert.ok(fake.getObject('deployments', 'ns', 'd'));
});

test('a dangling reference is removed while a live owner keeps the object', async (t) => {
  const { fake, start } = await setup(t);
  fake.put('configmaps', { metadata: { namespace: 'ns', name: 'live', uid: 'live-uid' } });
  fake.put('pods', { metadata: { namespace: 'ns', name: 'p', uid: 'p-uid', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'live', uid: 'live-uid' }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'gone-uid' }] } });
  start();
  await until(() => (fake.getObject('pods', 'ns', 'p')?.metadata.ownerReferences as unknown[] | undefined)?.length === 1, 'dangling ref removed');
  assert.deepEqual((fake.getObject('pods', 'ns', 'p')?.metadata.ownerReferences as { uid: string }[]).map((r) => r.uid), ['live-uid']);
});

test('orphan: dependents lose their reference, then the owner its finalizer', async (t) => {
  const { fake, start } = await setup(t);
  chain(fake);
  fake.put('deployments', { metadata: { namespace: 'ns', name: 'd', uid: 'd-uid', finalizers: ['orphan'], deletionTimestamp: '2026-01-01T00:00:00Z' } });
  start();
  await until(() => !fake.getObject('deployments', 'ns', 'd'), 'deployment finalized');
  const rs = fake.getObject('replicasets', 'ns', 'rs');
  assert.ok(rs, 'the orphan stays');
  assert.equal(rs.metadata.ownerReferences, undefined);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(fake.getObject('replicasets', 'ns', 'rs'));
  assert.ok(fake.getObject('pods', 'ns', 'p'), "the orphan's own dependents stay too");
});

test('foreground: dependents go first, then the owner loses its finalizer', async (t) => {
  const { fake, start } = await setup(t);
  chain(fake, true);
  // A finalizer of someone else holds the pod for a while, so the owners must wait.
  fake.put('pods', { metadata: { namespace: 'ns', name: 'p', uid: 'p-uid', finalizers: ['example.com/hold'], ownerReferences: [ref('ReplicaSet', 'apps/v1', 'rs', 'rs-uid', true)] } });
  fake.put('replicasets', { metadata: { namespace: 'ns', name: 'rs', uid: 'rs-uid', finalizers: ['foregroundDeletion'], deletionTimestamp: '2026-01-01T00:00:00Z', ownerReferences: [ref('Deployment', 'apps/v1', 'd', 'd-uid', true)] } });
  fake.put('deployments', { metadata: { namespace: 'ns', name: 'd', uid: 'd-uid', finalizers: ['foregroundDeletion'], deletionTimestamp: '2026-01-01T00:00:00Z' } });
  start();
  await until(() => !!fake.getObject('pods', 'ns', 'p')?.metadata.deletionTimestamp, 'pod deleted');
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(fake.getObject('replicasets', 'ns', 'rs'), 'a blocking dependent holds its owner');
  assert.ok(fake.getObject('deployments', 'ns', 'd'));
  fake.put('pods', { ...fake.getObject('pods', 'ns', 'p')!, metadata: { ...fake.getObject('pods', 'ns', 'p')!.metadata, finalizers: [] } });
  fake.remove('pods', 'ns', 'p');
  await until(() => !fake.getObject('replicasets', 'ns', 'rs') && !fake.getObject('deployments', 'ns', 'd'), 'owners finalized', 10_000);
});
