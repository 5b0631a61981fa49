import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../storage/memory.js';
import { WatchCache, TooOldResourceVersionError, type Delivery, type DeliveryBatch, type WatchSink } from './watch-cache.js';
import type { KObject } from './kobject.js';

const resourceOf = (key: string) => key.split('/')[2];
const pod = (name: string, labels: Record<string, string> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels } });

function collector(): WatchSink & { got: Delivery[]; closed: boolean } {
  const s = {
    got: [] as Delivery[],
    closed: false,
    deliver(batch: DeliveryBatch) {
      s.got.push(...batch.items);
      return true;
    },
    close() {
      s.closed = true;
    },
  };
  return s;
}

/** The cache is current and has handed what it applied to its watchers (the fan-out runs on the next turn). */
async function settled(cache: WatchCache): Promise<void> {
  await cache.sync();
  await new Promise((r) => setImmediate(r));
}

async function setup(ringCapacity = 100) {
  const store = new MemoryStore();
  const cache = new WatchCache({ store, resourceOf, ringCapacity, minFanOutIntervalMs: 0 });
  await cache.start();
  return { store, cache };
}

test('lists current objects with their resourceVersion, sorted by key', async () => {
  const { store, cache } = await setup();
  await store.create('/registry/pods/default/b', pod('b'));
  const a = await store.create('/registry/pods/default/a', pod('a'));
  await store.create('/registry/services/default/a', pod('svc'));
  await settled(cache);
  const items = cache.list('pods');
  assert.deepEqual(items.map((e) => e.obj.metadata.name), ['a', 'b']);
  assert.equal(items[0].obj.metadata.resourceVersion, String(a.modRevision));
  assert.match(items[0].json, new RegExp(`"resourceVersion":"${a.modRevision}"`));
  cache.close();
});

test('a watch from a revision replays what followed it, then goes live, each event once', async () => {
  const { store, cache } = await setup();
  const first = await store.create('/registry/pods/default/a', pod('a'));
  await store.create('/registry/pods/default/b', pod('b'));
  await store.delete('/registry/pods/default/a');
  await settled(cache);
  const sink = collector();
  cache.watch('pods', first.modRevision, () => true, sink);
  await store.create('/registry/pods/default/c', pod('c'));
  await settled(cache);
  assert.deepEqual(sink.got.map((d) => `${d.type} ${d.event.entry.obj.metadata.name}`), ['ADDED b', 'DELETED a', 'ADDED c']);
  cache.close();
});

test('a watch without a revision starts with the current objects as ADDED', async () => {
  const { store, cache } = await setup();
  await store.create('/registry/pods/default/a', pod('a'));
  await settled(cache);
  const sink = collector();
  cache.watch('pods', undefined, () => true, sink);
  assert.deepEqual(sink.got.map((d) => d.type), ['ADDED']);
  cache.close();
});

test('filters turn updates into ADDED and DELETED as objects start and stop matching', async () => {
  const { store, cache } = await setup();
  const kv = await store.create('/registry/pods/default/a', pod('a', { app: 'x' }));
  await settled(cache);
  const sink = collector();
  cache.watch('pods', kv.modRevision, (o) => o.metadata.labels?.app === 'y', sink);
  const kv2 = await store.update('/registry/pods/default/a', pod('a', { app: 'y' }), kv.modRevision);
  const kv3 = await store.update('/registry/pods/default/a', pod('a', { app: 'y', v: '2' }), kv2.modRevision);
  await store.update('/registry/pods/default/a', pod('a', { app: 'z' }), kv3.modRevision);
  await settled(cache);
  assert.deepEqual(sink.got.map((d) => d.type), ['ADDED', 'MODIFIED', 'DELETED']);
  cache.close();
});

test('a revision older than the ring gets TooOldResourceVersionError', async () => {
  const { store, cache } = await setup(3);
  const first = await store.create('/registry/pods/default/p0', pod('p0'));
  for (let i = 1; i < 6; i++) await store.create(`/registry/pods/default/p${i}`, pod(`p${i}`));
  await settled(cache);
  assert.throws(() => cache.watch('pods', first.modRevision, () => true, collector()), TooOldResourceVersionError);
  cache.close();
});

test('every watcher gets the same serialised bytes', async () => {
  const { store, cache } = await setup();
  await settled(cache);
  const a = collector();
  const b = collector();
  const rev = cache.currentRevision();
  cache.watch('pods', rev, () => true, a);
  cache.watch('pods', rev, () => true, b);
  await store.create('/registry/pods/default/a', pod('a'));
  await settled(cache);
  assert.equal(a.got[0].event.line(), b.got[0].event.line());
  cache.close();
});

test('a watcher that cannot keep up is closed without stalling the others', async () => {
  const { store, cache } = await setup();
  await settled(cache);
  const slow = { closed: false, deliver: () => false, close() { slow.closed = true; } };
  const fast = collector();
  cache.watch('pods', cache.currentRevision(), () => true, slow);
  cache.watch('pods', cache.currentRevision(), () => true, fast);
  await store.create('/registry/pods/default/a', pod('a'));
  await store.create('/registry/pods/default/b', pod('b'));
  await settled(cache);
  assert.equal(slow.closed, true);
  assert.equal(fast.got.length, 2);
  cache.close();
});

test('triggered watchers see only events whose old or new object carries their value', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache({ store, resourceOf, minFanOutIntervalMs: 0, triggers: { pods: { node: (o) => String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? '') } } });
  await cache.start();
  const onN1 = collector();
  const onN2 = collector();
  const everyone = collector();
  const rev = cache.currentRevision();
  const nodeIs = (n: string) => (o: KObject) => (o.spec as { nodeName?: string } | undefined)?.nodeName === n;
  cache.watch('pods', rev, nodeIs('n1'), onN1, { index: 'node', value: 'n1' });
  cache.watch('pods', rev, nodeIs('n2'), onN2, { index: 'node', value: 'n2' });
  cache.watch('pods', rev, () => true, everyone);
  const onNode = (name: string, node: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node } });
  const a = await store.create('/registry/pods/default/a', onNode('a', 'n1'));
  await store.create('/registry/pods/default/b', onNode('b', 'n2'));
  await store.update('/registry/pods/default/a', onNode('a', 'n2'), a.modRevision);
  await settled(cache);
  assert.deepEqual(onN1.got.map((d) => `${d.type} ${d.event.entry.obj.metadata.name}`), ['ADDED a', 'DELETED a']);
  assert.deepEqual(onN2.got.map((d) => `${d.type} ${d.event.entry.obj.metadata.name}`), ['ADDED b', 'ADDED a']);
  assert.equal(everyone.got.length, 3);
  cache.close();
});
