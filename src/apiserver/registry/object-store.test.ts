import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory.js';
import { ResourceRegistry } from '../../api/resources.js';
import { WatchCache } from '../watch-cache.js';
import { ApiError } from '../errors.js';
import { noHooks } from './hooks.js';
import { storageResourceOf } from './keys.js';
import { ObjectStore } from './object-store.js';
import type { KObject } from '../kobject.js';

const registry = new ResourceRegistry();
const pods = registry.lookup('', 'v1', 'pods')!;
const deployments = registry.lookup('apps', 'v1', 'deployments')!;
const configmaps = registry.lookup('', 'v1', 'configmaps')!;

async function setup() {
  const store = new MemoryStore();
  const cache = new WatchCache({ store, resourceOf: storageResourceOf(registry.all) });
  await cache.start();
  const objects = new ObjectStore({ store, cache, hooks: noHooks, now: () => new Date('2026-01-01T00:00:00Z') });
  return { objects, cache };
}

async function rejects(p: Promise<unknown>, code: number, reason?: string) {
  await assert.rejects(p, (err: unknown) => err instanceof ApiError && err.code === code && (reason === undefined || err.reason === reason));
}

const deployment = (name: string, replicas = 1): KObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas }, status: { replicas: 99 } });

test('create stamps uid, timestamp, generation and resourceVersion, and resets status', async () => {
  const { objects, cache } = await setup();
  const d = await objects.create(deployments, 'default', deployment('web'));
  assert.match(d.metadata.uid as string, /^[0-9a-f-]{36}$/);
  assert.equal(d.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(d.metadata.generation, 1);
  assert.equal(d.metadata.namespace, 'default');
  assert.deepEqual(d.status, {});
  const got = await objects.get(deployments, 'default', 'web');
  assert.equal(got.obj.metadata.resourceVersion, d.metadata.resourceVersion);
  await rejects(objects.create(deployments, 'default', deployment('web')), 409, 'AlreadyExists');
  cache.close();
});

test('generateName makes a unique name', async () => {
  const { objects, cache } = await setup();
  const a = await objects.create(configmaps, 'default', { metadata: { generateName: 'cfg-' } });
  assert.match(a.metadata.name as string, /^cfg-[a-z0-9]{5}$/);
  cache.close();
});

test('updates: stale resourceVersion conflicts, spec changes bump generation, status is kept apart', async () => {
  const { objects, cache } = await setup();
  const d = await objects.create(deployments, 'default', deployment('web'));
  const { obj: scaled } = await objects.update(deployments, 'default', 'web', (cur) => ({ ...cur!, spec: { replicas: 3 }, status: { replicas: 7 } }));
  assert.equal(scaled.metadata.generation, 2);
  assert.deepEqual(scaled.status, {}, 'the main resource cannot write status');
  await rejects(objects.update(deployments, 'default', 'web', () => ({ ...d, spec: { replicas: 4 } })), 409, 'Conflict');
  const { obj: withStatus } = await objects.update(deployments, 'default', 'web', (cur) => ({ ...cur!, spec: { replicas: 100 }, status: { replicas: 3 } }), { subresource: 'status' });
  assert.deepEqual(withStatus.status, { replicas: 3 });
  assert.deepEqual(withStatus.spec, { replicas: 3 }, 'the status subresource cannot write spec');
  assert.equal(withStatus.metadata.generation, 2);
  const { obj: same } = await objects.update(deployments, 'default', 'web', (cur) => cur!);
  assert.equal(same.metadata.resourceVersion, withStatus.metadata.resourceVersion, 'a no-op update writes nothing');
  cache.close();
});

test('finalizers hold a delete until they are removed', async () => {
  const { objects, cache } = await setup();
  await objects.create(configmaps, 'default', { metadata: { name: 'held', finalizers: ['example.com/wait'] } });
  const { deleted, obj } = await objects.delete(configmaps, 'default', 'held');
  assert.equal(deleted, false);
  assert.ok(obj.metadata.deletionTimestamp);
  await objects.update(configmaps, 'default', 'held', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: [] } }));
  await rejects(objects.get(configmaps, 'default', 'held'), 404);
  cache.close();
});

test('a pod on a node is deleted gracefully; grace 0 removes it', async () => {
  const { objects, cache } = await setup();
  await objects.create(pods, 'default', { metadata: { name: 'p' }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30, containers: [] } });
  const first = await objects.delete(pods, 'default', 'p');
  assert.equal(first.deleted, false);
  assert.equal(first.obj.metadata.deletionGracePeriodSeconds, 30);
  assert.equal(first.obj.metadata.deletionTimestamp, '2026-01-01T00:00:30Z');
  const second = await objects.delete(pods, 'default', 'p', { gracePeriodSeconds: 0 });
  assert.equal(second.deleted, true);
  await rejects(objects.get(pods, 'default', 'p'), 404);
  cache.close();
});

test('delete preconditions and paged lists', async () => {
  const { objects, cache } = await setup();
  for (let i = 0; i < 5; i++) await objects.create(configmaps, 'default', { metadata: { name: `c${i}` } });
  await rejects(objects.delete(configmaps, 'default', 'c0', { preconditions: { uid: 'nope' } }), 409, 'Conflict');
  const page1 = await objects.list(configmaps, 'default', { limit: 2 });
  assert.deepEqual(page1.items.map((e) => e.obj.metadata.name), ['c0', 'c1']);
  assert.ok(page1.continueToken);
  await objects.create(configmaps, 'default', { metadata: { name: 'c9' } });
  const page2 = await objects.list(configmaps, 'default', { limit: 10, continueToken: page1.continueToken });
  assert.deepEqual(page2.items.map((e) => e.obj.metadata.name), ['c2', 'c3', 'c4'], 'later pages read the first page\'s revision');
  assert.equal(page2.continueToken, undefined);
  await rejects(objects.list(configmaps, 'default', { continueToken: 'garbage' }), 400);
  cache.close();
});

test('create and update remember the JSON they stored, with the resourceVersion, for the response', async () => {
  const { objects, cache } = await setup();
  const d = await objects.create(deployments, 'default', deployment('json'));
  assert.deepEqual(JSON.parse(objects.serialized(d)!.toString()), JSON.parse(JSON.stringify(d)));
  const { obj } = await objects.update(deployments, 'default', 'json', (cur) => ({ ...cur!, spec: { replicas: 3 } }));
  const text = objects.serialized(obj)!.toString();
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(obj)));
  assert.match(text, new RegExp(`"resourceVersion":"${obj.metadata.resourceVersion}"`));
  assert.equal(objects.serialized(deployment('never-written')), undefined);
  assert.equal(await objects.find(deployments, 'default', 'absent'), undefined);
  assert.equal((await objects.find(deployments, 'default', 'json'))?.obj.metadata.resourceVersion, obj.metadata.resourceVersion);
  cache.close();
});
