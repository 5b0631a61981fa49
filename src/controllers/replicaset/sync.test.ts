import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiStatusError } from '../../client/errors.js';
import { FakeClock } from '../../client/clock.js';
import { silentLogger } from '../../client/log.js';
import { WorkQueue } from '../../client/work-queue.js';
import { Expectations, type Pod, type ReplicaSet } from '../controller-utils/index.js';
import { FakeCluster } from '../controller-utils/testing/fake-cluster.js';
import { podHandlers } from './controller.js';
import { syncReplicaSet } from './sync.js';

function setup(replicas: number, minReadySeconds = 0) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const c = new FakeCluster(clock);
  const rs = c.addReplicaSet({
    metadata: { name: 'web-abc', namespace: 'ns', labels: { app: 'web' } },
    spec: { replicas, minReadySeconds, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'x' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  const expectations = new Expectations(clock);
  c.podListeners.push(podHandlers({ queue: new WorkQueue<string>(), expectations, replicaSets: c.replicaSets }));
  const deps = { api: c.replicaSetApi(), events: c.eventSink(), replicaSets: c.replicaSets, pods: c.pods, expectations, clock, log: silentLogger, burstReplicas: 500 };
  const sync = () => syncReplicaSet('ns/web-abc', deps);
  const get = () => c.replicaSets.get('ns', 'web-abc')!;
  const active = () => c.pods.list('ns');
  const setReady = (p: Pod, ready: boolean, node = 'n1') => {
    c.pods.set({ ...p, spec: { ...p.spec, nodeName: node }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z') }] } });
  };
  return { clock, c, rs, sync, get, active, setReady, expectations };
}

test('creates the missing pods from the template, owned by the ReplicaSet, and reports status', async () => {
  const { c, rs, sync, get, active, setReady } = setup(3);
  await sync();
  const pods = active();
  assert.equal(pods.length, 3);
  for (const p of pods) {
    assert.equal(p.metadata.generateName, 'web-abc-');
    assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'x' });
    assert.deepEqual(p.metadata.annotations, { a: 'b' });
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(p.spec, { containers: [{ name: 'c', image: 'busybox' }] });
  }
  // Status counts the pods the pass started from; the next pass sees the new ones.
  assert.deepEqual(get().status, { replicas: 0, observedGeneration: 1 });
  await sync();
  assert.deepEqual(get().status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  assert.equal(c.events.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
  setReady(pods[0], true);
  setReady(pods[1], false);
  await sync();
  assert.deepEqual(get().status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
});

test('expectations: no second round of creations until the first is seen', async () => {
  const { c, sync, expectations } = setup(5);
  c.podsVisible = false;
  await sync();
  assert.equal(c.writes.filter((w) => w.startsWith('create pod')).length, 5);
  await sync();
  await sync();
  assert.equal(c.writes.filter((w) => w.startsWith('create pod')).length, 5, 'the cache has not caught up: wait');
  assert.deepEqual(expectations.pending('ns/web-abc'), { add: 5, del: 0 });
  // The informer (its handlers) shows what was created.
  c.podsVisible = true;
  for (let i = 0; i < 5; i++) {
    c.addPod({ metadata: { name: `seen-${i}`, namespace: 'ns', labels: { app: 'web', tier: 'x' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: c.replicaSets.get('ns', 'web-abc')!.metadata.uid, controller: true }] } });
  }
  assert.ok(expectations.satisfied('ns/web-abc'));
  await sync();
  assert.equal(c.writes.filter((w) => w.startsWith('create pod')).length, 5);
});

test('a quota error stops the slow start, sets ReplicaFailure, and clears when creations work again', async () => {
  const { c, sync, get, expectations } = setup(10);
  const quota = new ApiStatusError({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods "web-abc-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2' }, 403);
  c.failCreate = (n) => (n >= 3 ? quota : undefined);
  await assert.rejects(sync(), /exceeded quota/);
  // Batches of 1 and 2; the second batch had a failure, so nothing more was tried.
  assert.equal(c.writes.filter((w) => w.startsWith('create pod')).length, 2);
  assert.deepEqual(expectations.pending('ns/web-abc'), { add: 0, del: 0 }, 'the 8 not made are not waited for');
  const f = get().status?.conditions?.find((x) => x.type === 'ReplicaFailure');
  assert.deepEqual([f?.status, f?.reason, f?.message], ['True', 'FailedCreate', quota.message]);
  assert.ok(c.events.some((e) => e.type === 'Warning' && e.reason === 'FailedCreate' && e.message === `Error creating: ${quota.message}`));
  c.failCreate = undefined;
  await sync();
  await sync();
  assert.equal(get().status?.replicas, 10);
  assert.equal(get().status?.conditions, undefined);
});

test('scaling down deletes the pods ranked first: unscheduled, then not ready, then ready', async () => {
  const { c, sync, active, setReady, get } = setup(4);
  await sync();
  const [a, b, d] = active();
  setReady(a, true);
  setReady(b, false);
  setReady(d, true, 'n2');
  c.replicaSets.set({ ...get(), spec: { ...get().spec, replicas: 2 } });
  await sync();
  const left = active().map((p) => p.metadata.name).sort();
  assert.deepEqual(left, [a.metadata.name, d.metadata.name].sort());
  assert.equal(c.events.filter((e) => e.reason === 'SuccessfulDelete').length, 2);
});

test('terminating pods do not count, orphans are adopted and pods that stop matching are released', async () => {
  const { c, rs, sync, active, get } = setup(2);
  c.addPod({ metadata: { name: 'orphan', namespace: 'ns', labels: { app: 'web' } } });
  c.addPod({ metadata: { name: 'dying', namespace: 'ns', labels: { app: 'web' }, deletionTimestamp: '2026-01-01T00:00:00Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: rs.metadata.uid, controller: true }] } });
  await sync();
  await sync();
  const orphan = c.pods.get('ns', 'orphan')!;
  assert.equal((orphan.metadata.ownerReferences?.[0] as { uid?: string }).uid, rs.metadata.uid);
  assert.equal(active().filter((p) => !p.metadata.deletionTimestamp).length, 2, 'one adopted + one created');
  assert.equal(get().status?.replicas, 2);
  assert.equal(get().status?.fullyLabeledReplicas, 1, 'the adopted pod lacks the tier label');
  c.pods.set({ ...orphan, metadata: { ...orphan.metadata, labels: { app: 'gone' } } });
  await sync();
  assert.deepEqual(c.pods.get('ns', 'orphan')?.metadata.ownerReferences, []);
  assert.equal(active().filter((p) => !p.metadata.deletionTimestamp && p.metadata.labels?.app === 'web').length, 2, 'replaced');
});

test('available means ready for minReadySeconds; the sync asks to look again then', async () => {
  const { clock, sync, active, setReady, get } = setup(1, 10);
  await sync();
  setReady(active()[0], true);
  const r = await sync();
  assert.equal(get().status?.readyReplicas, 1);
  assert.equal(get().status?.availableReplicas, undefined);
  assert.ok(r && r.requeueAfterMs! >= 10_000 && r.requeueAfterMs! <= 11_000);
  clock.advance(10_001);
  await sync();
  assert.equal(get().status?.availableReplicas, 1);
});

test('a ReplicaSet gone from the cache forgets its expectations', async () => {
  const { c, sync, expectations } = setup(1);
  expectations.expectCreations('ns/web-abc', 1);
  c.replicaSets.delete('ns/web-abc');
  await sync();
  assert.equal(expectations.pending('ns/web-abc'), undefined);
  const stale: ReplicaSet | undefined = c.replicaSets.get('ns', 'web-abc');
  assert.equal(stale, undefined);
});
