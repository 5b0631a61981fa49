import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { silentLogger } from '../../client/log.js';
import { computePodTemplateHash, type Deployment, type ReplicaSet } from '../controller-utils/index.js';
import { FakeCluster } from '../controller-utils/testing/fake-cluster.js';
import { syncDeployment } from './sync.js';

function setup(spec: Partial<NonNullable<Deployment['spec']>> = {}) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const c = new FakeCluster(clock);
  const d = c.addDeployment({
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'v1' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
  });
  const deps = { api: c.deploymentApi(), events: c.eventSink(), clock, log: silentLogger, deployments: c.deployments, replicaSets: c.replicaSets, pods: c.pods };
  const sync = () => syncDeployment('ns/web', deps);
  const get = () => c.deployments.get('ns', 'web')!;
  const rsByImage = (image: string) => c.replicaSets.list('ns').find((r) => (r.spec?.template?.spec?.containers as { image: string }[])[0].image === image);
  const setImage = (image: string) => c.editDeployment('ns', 'web', (x) => ((x.spec!.template!.spec!.containers as { image: string }[])[0].image = image));
  return { clock, c, d, sync, get, rsByImage, setImage };
}

const cond = (d: Deployment, type: string) => d.status?.conditions?.find((x) => x.type === type);
const total = (rss: ReplicaSet[]) => rss.reduce((n, r) => n + (r.spec?.replicas ?? 0), 0);
const avail = (rss: ReplicaSet[]) => rss.reduce((n, r) => n + Math.min(r.status?.availableReplicas ?? 0, r.spec?.replicas ?? 0), 0);

test('a new deployment gets ReplicaSet <name>-<hash> with its labels, owner, annotations and status', async () => {
  const { c, d, sync, get } = setup();
  await sync();
  const [rs] = c.replicaSets.list('ns');
  const hash = computePodTemplateHash(d.spec!.template);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.deepEqual(rs.spec?.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
  assert.deepEqual(rs.spec?.template?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
  assert.deepEqual(rs.metadata.labels, { app: 'web', 'pod-template-hash': hash });
  assert.equal(rs.spec?.replicas, 10);
  assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(rs.metadata.annotations, { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' });
  assert.equal(get().metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(cond(get(), 'Progressing')?.reason, 'NewReplicaSetCreated');
  assert.equal(cond(get(), 'Available')?.reason, 'MinimumReplicasUnavailable');
  assert.deepEqual(c.events.map((e) => e.message), [`Scaled up replica set web-${hash} from 0 to 10`]);

  c.settleReplicaSets();
  await sync();
  const s = get().status!;
  assert.deepEqual([s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas, s.observedGeneration], [10, 10, 10, 10, undefined, 1]);
  assert.deepEqual(s.conditions?.map((x) => [x.type, x.status, x.reason]), [['Available', 'True', 'MinimumReplicasAvailable'], ['Progressing', 'True', 'NewReplicaSetAvailable']]);
  assert.equal(cond(get(), 'Progressing')?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
});

test('a rolling update stays within maxSurge and maxUnavailable at every step', async () => {
  const { c, sync, get, rsByImage, setImage } = setup();
  await sync();
  c.settleReplicaSets();
  await sync();
  setImage('v2');
  const steps: string[] = [];
  const done = () => get().status?.updatedReplicas === 10 && (rsByImage('v1')?.spec?.replicas ?? 0) === 0;
  for (let i = 0; !done(); i++) {
    await sync();
    const rss = c.replicaSets.list('ns');
    assert.ok(total(rss) <= 13, `at most 10 + 3 pods wanted, got ${total(rss)}`);
    // New pods become available one step after they are asked for.
    c.settleReplicaSets();
    assert.ok(avail(c.replicaSets.list('ns')) >= 8, 'at least 10 - 2 available');
    steps.push(`${rsByImage('v1')?.spec?.replicas}/${rsByImage('v2')?.spec?.replicas}`);
    assert.ok(i < 39, 'converges');
  }
  // Kubernetes' order: surge first, then scale old down by what became available.
  assert.deepEqual(steps.slice(0, 5), ['8/3', '8/5', '3/5', '3/10', '0/10']);
  assert.equal(rsByImage('v2')?.spec?.replicas, 10);
  assert.equal(rsByImage('v2')?.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.equal(get().metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  await sync();
  assert.equal(cond(get(), 'Progressing')?.reason, 'NewReplicaSetAvailable');
});

test('unhealthy old pods are scaled away first, without waiting for the new ones', async () => {
  const { c, sync, rsByImage, setImage } = setup({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } });
  await sync();
  c.settleReplicaSets((rs) => (rs.spec?.replicas ?? 0) - 3); // 3 of the old pods never became ready
  setImage('v2');
  await sync(); // creates the new ReplicaSet at 0 (no surge)
  await sync();
  // Though no new pod is available, one unavailable old pod goes: the budget is
  // 10 pods - 9 to keep available - 0 new unavailable = 1.
  assert.equal(rsByImage('v1')?.spec?.replicas, 9);
});

test('no progress for progressDeadlineSeconds: ProgressDeadlineExceeded, with a requeue at the deadline', async () => {
  const { clock, c, sync, get } = setup({ replicas: 2, progressDeadlineSeconds: 60 });
  await sync();
  c.settleReplicaSets(() => 0); // pods exist, never available
  await sync();
  assert.equal(cond(get(), 'Progressing')?.reason, 'ReplicaSetUpdated');
  const r2 = await sync();
  assert.ok(r2 && r2.requeueAfterMs! > 59_000 && r2.requeueAfterMs! <= 61_000, `requeue after ${r2?.requeueAfterMs}`);
  clock.advance(30_000);
  await sync();
  assert.equal(cond(get(), 'Progressing')?.reason, 'ReplicaSetUpdated');
  clock.advance(31_000);
  await sync();
  const p = cond(get(), 'Progressing')!;
  assert.deepEqual([p.status, p.reason], ['False', 'ProgressDeadlineExceeded']);
  assert.match(p.message ?? '', /has timed out progressing\.$/);
  assert.equal(await sync(), undefined, 'no more requeues once timed out');
});

test('paused: Progressing is DeploymentPaused, template changes wait, resume says DeploymentResumed', async () => {
  const { c, sync, get, setImage } = setup({ replicas: 3 });
  await sync();
  c.settleReplicaSets();
  await sync();
  c.editDeployment('ns', 'web', (d) => (d.spec!.paused = true));
  await sync();
  const p = cond(get(), 'Progressing')!;
  assert.deepEqual([p.status, p.reason, p.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
  setImage('v2');
  await sync();
  assert.equal(c.replicaSets.list('ns').length, 1, 'no new ReplicaSet while paused');
  c.editDeployment('ns', 'web', (d) => (d.spec!.replicas = 5));
  await sync();
  assert.equal(c.replicaSets.list('ns')[0].spec?.replicas, 5, 'scaling applies while paused');
  c.editDeployment('ns', 'web', (d) => (d.spec!.paused = false));
  await sync();
  assert.equal(c.replicaSets.list('ns').length, 2);
  assert.equal(cond(get(), 'Progressing')?.reason, 'NewReplicaSetCreated');
});

test('a name taken by a foreign ReplicaSet bumps collisionCount and picks another hash', async () => {
  const { c, d, sync, get } = setup({ replicas: 1 });
  const hash = computePodTemplateHash(d.spec!.template);
  c.addReplicaSet({ metadata: { name: `web-${hash}`, namespace: 'ns', labels: { other: 'x' } }, spec: { replicas: 0, selector: { matchLabels: { other: 'x' } }, template: { metadata: { labels: { other: 'x' } } } } });
  await assert.rejects(sync(), /already exists/);
  assert.equal(get().status?.collisionCount, 1);
  await sync();
  const mine = c.replicaSets.list('ns').find((r) => r.metadata.labels?.app === 'web')!;
  assert.equal(mine.metadata.name, `web-${computePodTemplateHash(d.spec!.template, 1)}`);
});

test('a rollback reuses the old ReplicaSet and records its revision history; old ones are pruned past the limit', async () => {
  const { c, sync, get, rsByImage, setImage } = setup({ replicas: 1, revisionHistoryLimit: 1 });
  const roll = async (image: string) => {
    setImage(image);
    for (let i = 0; i < 10; i++) {
      await sync();
      c.settleReplicaSets();
    }
  };
  await roll('v1');
  await roll('v2');
  await roll('v1');
  const v1 = rsByImage('v1')!;
  assert.equal(v1.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(v1.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(get().metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  await roll('v3');
  await roll('v4');
  const revs = c.replicaSets.list('ns').map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
  assert.deepEqual(revs, ['4', '5'], 'one old ReplicaSet kept besides the new one');
  assert.ok(c.writes.some((w) => w.startsWith('delete rs/')));
});

test('Recreate scales the old ReplicaSet to zero and waits for its pods before the new one', async () => {
  const { c, sync, rsByImage, setImage } = setup({ replicas: 2, strategy: { type: 'Recreate' } });
  await sync();
  c.settleReplicaSets();
  const old = rsByImage('v1')!;
  const oldPod = c.addPod({ metadata: { name: 'p', namespace: 'ns', labels: { ...old.spec!.template!.metadata!.labels }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: old.metadata.name, uid: old.metadata.uid, controller: true }] }, status: { phase: 'Running' } });
  setImage('v2');
  await sync();
  assert.equal(rsByImage('v1')?.spec?.replicas, 0);
  assert.equal(rsByImage('v2'), undefined);
  c.settleReplicaSets();
  await sync();
  assert.equal(rsByImage('v2'), undefined, 'an old pod still runs');
  c.pods.delete(`ns/${oldPod.metadata.name}`);
  await sync();
  assert.equal(rsByImage('v2')?.spec?.replicas, 2);
});

test('an orphan ReplicaSet the selector matches is adopted; one that stops matching is released', async () => {
  const { c, d, sync } = setup({ replicas: 1 });
  const orphan = c.addReplicaSet({ metadata: { name: 'stray', namespace: 'ns', labels: { app: 'web' } }, spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } } } } });
  await sync();
  const adopted = c.replicaSets.get('ns', 'stray')!;
  assert.equal((adopted.metadata.ownerReferences?.[0] as { uid?: string }).uid, d.metadata.uid);
  c.replicaSets.set({ ...adopted, metadata: { ...adopted.metadata, labels: { app: 'elsewhere' } } });
  await sync();
  assert.deepEqual(c.replicaSets.get('ns', 'stray')?.metadata.ownerReferences, []);
  assert.ok(orphan);
});
