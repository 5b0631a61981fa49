// Deployments end to end: a real `k8ts server` (its own controllers off), this
// process's ReplicaSet and Deployment controllers, a fake kubelet that binds pods to a
// node and reports them Running and Ready (per-namespace policy: delays, never ready),
// and the real kubectl driving rollout status, set image, history, undo, pause,
// resume, restart and scale.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runWorkers } from '../../src/client/controller.js';
import { isNotFound } from '../../src/client/errors.js';
import { Informer } from '../../src/client/informer.js';
import { RestClient } from '../../src/client/rest-client.js';
import { until } from '../../src/client/testing/wait.js';
import { WorkQueue } from '../../src/client/work-queue.js';
import type { KObject } from '../../src/client/types.js';
import { startDeploymentController } from '../../src/controllers/deployment/index.js';
import { startReplicaSetController } from '../../src/controllers/replicaset/index.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/controllers/controller-utils/index.js';
import { kubectlPath, kubectlVersions, TestServer, type KubectlResult } from './harness.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const v133 = '1.33';
const hasOld = kubectlVersions.includes('1.27');

/** kubectl without blocking this process's event loop (the controllers run here). */
function kubectl(server: TestServer, args: string[], opts: { version?: string; input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(kubectlPath(opts.version ?? v133), ['--kubeconfig', server.kubeconfig, ...args], {
      env: { ...process.env, KUBECONFIG: server.kubeconfig, KUBECACHEDIR: join(server.dataDir, 'kubectl-cache') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}

async function ok(server: TestServer, args: string[], opts: { version?: string; input?: string } = {}): Promise<string> {
  const r = await kubectl(server, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

interface PodPolicy {
  /** Never report Ready (Running only). */
  neverReady?: boolean;
  /** Report Ready this long after the pod was bound. */
  readyAfterMs?: number;
  /** Images whose pods stay not ready (until the policy changes). */
  holdImages?: string[];
}

function imagesOf(pod: Pod): string[] {
  const containers = (pod.spec?.containers ?? []) as { image?: string }[];
  return containers.map((c) => c.image ?? '');
}

/**
 * Stands in for a node: binds new pods to node-1, reports them Running (and Ready, as
 * the namespace's policy says), and finishes graceful deletions at once.
 */
class FakeKubelet {
  readonly policies = new Map<string, PodPolicy>();
  private readonly informer: Informer<Pod>;
  private readonly queue = new WorkQueue<string>();
  private readonly boundAt = new Map<string, number>();
  private workers?: { stop(): Promise<void> };

  constructor(private readonly client: RestClient) {
    this.informer = new Informer<Pod>({ client, resource: { group: '', version: 'v1', resource: 'pods' } });
    const add = (p: Pod) => this.queue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    this.informer.addEventHandler({ onAdd: add, onUpdate: (_o, p) => add(p) });
  }

  start(): void {
    this.informer.start();
    this.workers = runWorkers({ queue: this.queue, workers: 4, name: 'fake-kubelet', sync: (k) => this.sync(k) });
  }

  /** Looks at every pod again (after a policy change). */
  kick(): void {
    for (const k of this.informer.lister.keys()) this.queue.add(k);
  }

  async stop(): Promise<void> {
    await this.workers?.stop();
    await this.informer.stop();
  }

  private async sync(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const pod = this.informer.lister.getByKey(key);
    if (!pod) return;
    const ns = pod.metadata.namespace ?? '';
    const path = `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`;
    try {
      if (pod.metadata.deletionTimestamp) {
        await this.client.delete(path, { gracePeriodSeconds: 0 });
        return;
      }
      if (!pod.spec?.nodeName) {
        await this.client.create(`${path}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
        this.boundAt.set(pod.metadata.uid ?? '', Date.now());
        return;
      }
      const policy = this.policies.get(ns) ?? {};
      const held = policy.neverReady || imagesOf(pod).some((i) => policy.holdImages?.includes(i));
      const since = this.boundAt.get(pod.metadata.uid ?? '') ?? 0;
      const wait = held ? 0 : since + (policy.readyAfterMs ?? 0) - Date.now();
      const ready = !held && wait <= 0;
      const isReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (pod.status?.phase === 'Running' && isReady === ready) return wait > 0 ? { requeueAfterMs: wait } : undefined;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const r = ready ? 'True' : 'False';
      await this.client.patch(`${path}/status`, {
        status: {
          phase: 'Running',
          podIP: '10.42.0.10',
          startTime: pod.status?.startTime ?? now,
          conditions: [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
            { type: 'Initialized', status: 'True', lastTransitionTime: now },
            { type: 'ContainersReady', status: r, lastTransitionTime: now },
            { type: 'Ready', status: r, lastTransitionTime: now },
          ],
        },
      });
      if (wait > 0) return { requeueAfterMs: wait };
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/**
 * Watches one namespace's ReplicaSets and pods during a rollout and checks the limits
 * at every event: the ReplicaSets' replicas add up to at most replicas + maxSurge, and
 * (once started) no fewer than replicas - maxUnavailable pods are available.
 */
class RolloutWatch {
  readonly violations: string[] = [];
  events = 0;
  maxTotal = 0;
  minAvailable = Infinity;
  private readonly pods: Informer<Pod>;
  private readonly rss: Informer<ReplicaSet>;

  constructor(client: RestClient, ns: string, private readonly limits: { surgeTotal: number; minAvailable: number }) {
    this.pods = new Informer<Pod>({ client, resource: { group: '', version: 'v1', resource: 'pods', namespace: ns } });
    this.rss = new Informer<ReplicaSet>({ client, resource: { group: 'apps', version: 'v1', resource: 'replicasets', namespace: ns } });
    const check = () => this.check();
    this.pods.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
    this.rss.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
  }

  async start(): Promise<void> {
    this.pods.start();
    this.rss.start();
    await Promise.all([this.pods.waitForSync(), this.rss.waitForSync()]);
  }

  stop(): Promise<void> {
    return Promise.all([this.pods.stop(), this.rss.stop()]).then(() => undefined);
  }

  private check(): void {
    if (!this.pods.hasSynced() || !this.rss.hasSynced()) return;
    this.events++;
    const total = this.rss.lister.list().reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    const available = this.pods.lister.list().filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    this.maxTotal = Math.max(this.maxTotal, total);
    this.minAvailable = Math.min(this.minAvailable, available);
    if (total > this.limits.surgeTotal) this.violations.push(`replica sets want ${total} pods (> ${this.limits.surgeTotal})`);
    if (available < this.limits.minAvailable) this.violations.push(`only ${available} pods available (< ${this.limits.minAvailable})`);
  }
}

describe('Deployments with the real kubectl', { timeout: 900_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: FakeKubelet;
  let controllers: { stop(): Promise<void> }[] = [];

  const get = <T extends KObject>(path: string) => client.get<T>(path);
  const deployment = (ns: string, name: string) => get<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
  const replicaSets = async (ns: string) => (await client.list<ReplicaSet>(`/apis/apps/v1/namespaces/${ns}/replicasets`)).items;
  const pods = async (ns: string) => (await client.list<Pod>(`/api/v1/namespaces/${ns}/pods`)).items;
  const rev = (o: KObject) => o.metadata.annotations?.['deployment.kubernetes.io/revision'];
  const image = (o: Deployment | ReplicaSet) => ((o.spec?.template?.spec?.containers ?? []) as { image?: string }[])[0]?.image;
  const rolloutStatus = (ns: string, name: string, version = v133) => kubectl(server, ['-n', ns, 'rollout', 'status', `deployment/${name}`, '--timeout=240s'], { version });

  before(async () => {
    server = await TestServer.start({ args: ['--disable-controllers'] });
    client = RestClient.fromKubeconfig(server.kubeconfig);
    kubelet = new FakeKubelet(client);
    kubelet.start();
    controllers = [startReplicaSetController({ client, log: quiet }), startDeploymentController({ client, log: quiet })];
  });

  after(async () => {
    for (const c of controllers) await c.stop();
    await kubelet?.stop();
    client?.close();
    await server?.cleanup();
  });

  test('create, rollout status, set image within the surge and unavailability limits, history, undo', async () => {
    const ns = 'roll';
    kubelet.policies.set(ns, { readyAfterMs: 300 });
    await ok(server, ['create', 'namespace', ns]);
    await ok(server, ['-n', ns, 'create', 'deployment', 'web', '--image=busybox', '--replicas=5']);
    const st = await rolloutStatus(ns, 'web');
    assert.equal(st.code, 0, st.stderr + st.stdout);
    assert.match(st.stdout, /deployment "web" successfully rolled out/);

    const [rs1] = await replicaSets(ns);
    const hash = rs1.metadata.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs1.metadata.name, `web-${hash}`);
    assert.equal(rs1.spec?.selector?.matchLabels?.['pod-template-hash'], hash);
    assert.equal(rs1.spec?.template?.metadata?.labels?.['pod-template-hash'], hash);
    assert.equal(rev(rs1), '1');
    assert.equal(rs1.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
    assert.equal(rs1.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '7');
    const d1 = await deployment(ns, 'web');
    assert.deepEqual(rs1.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d1.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(rev(d1), '1');
    assert.equal(d1.status?.availableReplicas, 5);
    assert.deepEqual(d1.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    const ps = await pods(ns);
    assert.equal(ps.length, 5);
    for (const p of ps) {
      assert.match(p.metadata.name ?? '', new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
      assert.equal(p.metadata.labels?.app, 'web');
      const ref = p.metadata.ownerReferences?.[0];
      assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs1.metadata.name, uid: rs1.metadata.uid, controller: true, blockOwnerDeletion: true });
    }

    // Events, where `kubectl describe` looks for them.
    await until(async () => /ScalingReplicaSet\s.*Scaled up replica set web-\w+ from 0 to 5/.test(await ok(server, ['-n', ns, 'describe', 'deployment', 'web'])), 'deployment events', 30_000, 200);
    await until(async () => /SuccessfulCreate\s.*Created pod: web-/.test(await ok(server, ['-n', ns, 'describe', 'replicaset', rs1.metadata.name!])), 'replica set events', 30_000, 200);

    // 25% of 5: surge rounds up to 2, unavailability down to 1.
    const watch = new RolloutWatch(client, ns, { surgeTotal: 7, minAvailable: 4 });
    await watch.start();
    try {
      await ok(server, ['-n', ns, 'set', 'image', 'deployment/web', 'busybox=busybox:1.36']);
      // Annotated after the change, so that only the new ReplicaSet takes the cause.
      await ok(server, ['-n', ns, 'annotate', 'deployment/web', 'kubernetes.io/change-cause=to busybox:1.36']);
      const st2 = await rolloutStatus(ns, 'web');
      assert.equal(st2.code, 0, st2.stderr + st2.stdout);
      assert.match(st2.stdout, /successfully rolled out/);
    } finally {
      await watch.stop();
    }
    assert.deepEqual(watch.violations, []);
    assert.ok(watch.events > 10, `saw ${watch.events} events`);
    assert.equal(watch.maxTotal, 7, 'the rollout used its surge');
    const after2 = await pods(ns);
    assert.equal(after2.filter((p) => !p.metadata.deletionTimestamp).length, 5);
    await until(async () => (await pods(ns)).every((p) => imagesOf(p)[0] === 'busybox:1.36'), 'old pods gone', 60_000, 100);
    const rss2 = await replicaSets(ns);
    assert.equal(rss2.length, 2);
    const new2 = rss2.find((r) => rev(r) === '2')!;
    await until(async () => (await replicaSets(ns)).some((r) => rev(r) === '2' && r.metadata.annotations?.['kubernetes.io/change-cause'] === 'to busybox:1.36'), 'change-cause copied', 30_000, 100);
    assert.equal(rss2.find((r) => r !== new2)?.spec?.replicas, 0);
    assert.equal(rev(await deployment(ns, 'web')), '2');

    const hist = await ok(server, ['-n', ns, 'rollout', 'history', 'deployment/web']);
    assert.match(hist, /REVISION\s+CHANGE-CAUSE/);
    assert.match(hist, /\n1\s+<none>/);
    assert.match(hist, /\n2\s+to busybox:1\.36/);
    const hist1 = await ok(server, ['-n', ns, 'rollout', 'history', 'deployment/web', '--revision=1']);
    assert.match(hist1, /Image:\s+busybox\n/);

    // undo: back to revision 1's template, which its old ReplicaSet takes up as revision 3.
    assert.match(await ok(server, ['-n', ns, 'rollout', 'undo', 'deployment/web']), /rolled back/);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    const d3 = await deployment(ns, 'web');
    assert.equal(image(d3), 'busybox');
    assert.equal(rev(d3), '3');
    const rss3 = await replicaSets(ns);
    assert.equal(rss3.length, 2, 'no third ReplicaSet: the old one is reused');
    const reused = rss3.find((r) => r.metadata.uid === rs1.metadata.uid)!;
    assert.equal(rev(reused), '3');
    assert.equal(reused.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(reused.spec?.replicas, 5);
    assert.match(await ok(server, ['-n', ns, 'rollout', 'history', 'deployment/web']), /\n2\s+.*\n3\s+/);

    assert.match(await ok(server, ['-n', ns, 'rollout', 'undo', 'deployment/web', '--to-revision=2']), /rolled back/);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    assert.equal(image(await deployment(ns, 'web')), 'busybox:1.36');
    assert.equal(rev(await deployment(ns, 'web')), '4');
    const bad = await kubectl(server, ['-n', ns, 'rollout', 'undo', 'deployment/web', '--to-revision=9']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unable to find specified revision 9 in history/);

    if (hasOld) {
      const st127 = await rolloutStatus(ns, 'web', '1.27');
      assert.equal(st127.code, 0, st127.stderr);
      assert.match(st127.stdout, /successfully rolled out/);
      assert.match(await ok(server, ['-n', ns, 'rollout', 'history', 'deployment/web'], { version: '1.27' }), /\n3\s+.*\n4\s+/);
    }
  });

  test('kubectl scale, and a resize in the middle of a rollout is shared proportionally', async () => {
    const ns = 'scale';
    kubelet.policies.set(ns, { holdImages: ['busybox:2'] });
    await ok(server, ['create', 'namespace', ns]);
    await ok(server, ['-n', ns, 'create', 'deployment', 'web', '--image=busybox:1', '--replicas=2']);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    await ok(server, ['-n', ns, 'scale', 'deployment/web', '--replicas=10']);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    assert.equal((await deployment(ns, 'web')).status?.readyReplicas, 10);
    assert.equal((await pods(ns)).filter((p) => !p.metadata.deletionTimestamp).length, 10);

    // The new pods never get ready: the rollout stops at 10 + 3 surge, 2 unavailable.
    await ok(server, ['-n', ns, 'set', 'image', 'deployment/web', 'busybox=busybox:2']);
    const sizes = async () => {
      const rss = await replicaSets(ns);
      const byImage = (i: string) => rss.find((r) => image(r) === i)?.spec?.replicas;
      return [byImage('busybox:1'), byImage('busybox:2')];
    };
    await until(async () => JSON.stringify(await sizes()) === JSON.stringify([8, 5]), 'rollout stuck at 8 old + 5 new', 60_000, 100);
    // 20 + 25% surge = 25 pods, shared 8:5 of 13 -> 15 and 10 (leftovers to the largest).
    await ok(server, ['-n', ns, 'scale', 'deployment/web', '--replicas=20']);
    await until(async () => JSON.stringify(await sizes()) === JSON.stringify([15, 10]), 'proportional scale-up to 15 + 10', 60_000, 100);
    const rss = await replicaSets(ns);
    for (const r of rss) {
      assert.equal(r.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '20');
      assert.equal(r.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '25');
    }
    kubelet.policies.set(ns, {});
    kubelet.kick();
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    assert.deepEqual(await sizes(), [0, 20]);
  });

  test('pause stops a rollout where it is (scaling still applies); resume finishes it', async () => {
    const ns = 'pause';
    kubelet.policies.set(ns, { holdImages: ['busybox:2'] });
    await ok(server, ['create', 'namespace', ns]);
    await ok(server, ['-n', ns, 'create', 'deployment', 'web', '--image=busybox:1', '--replicas=4']);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    await ok(server, ['-n', ns, 'set', 'image', 'deployment/web', 'busybox=busybox:2']);
    const sizes = async () => (await replicaSets(ns)).map((r) => `${image(r)}=${r.spec?.replicas}`).sort().join(',');
    await until(async () => (await sizes()) === 'busybox:1=3,busybox:2=2', 'rollout stuck at 3 old + 2 new', 60_000, 100);
    await ok(server, ['-n', ns, 'rollout', 'pause', 'deployment/web']);
    await until(async () => (await deployment(ns, 'web')).status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused' && c.status === 'Unknown') ?? false, 'Progressing DeploymentPaused', 60_000, 100);
    kubelet.policies.set(ns, {});
    kubelet.kick();
    await until(async () => (await deployment(ns, 'web')).status?.readyReplicas === 5, 'new pods ready', 60_000, 100);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await sizes(), 'busybox:1=3,busybox:2=2', 'paused: old pods are not replaced');
    // A template change while paused makes no ReplicaSet.
    await ok(server, ['-n', ns, 'set', 'image', 'deployment/web', 'busybox=busybox:3']);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await replicaSets(ns)).length, 2);
    const paused = await kubectl(server, ['-n', ns, 'rollout', 'undo', 'deployment/web']);
    assert.match(paused.stderr, /you cannot rollback a paused deployment/);
    // Scaling applies while paused (proportionally: 2 more of the 25% surge of 8).
    await ok(server, ['-n', ns, 'scale', 'deployment/web', '--replicas=8']);
    await until(async () => (await replicaSets(ns)).reduce((n, r) => n + (r.spec?.replicas ?? 0), 0) === 10, 'paused deployment scaled to 8 + 2 surge', 60_000, 100);
    await ok(server, ['-n', ns, 'rollout', 'resume', 'deployment/web']);
    const st = await rolloutStatus(ns, 'web');
    assert.equal(st.code, 0, st.stderr);
    const d = await deployment(ns, 'web');
    assert.equal(image(d), 'busybox:3');
    assert.equal(d.status?.updatedReplicas, 8);
    assert.equal((await replicaSets(ns)).length, 3);
  });

  test('rollout restart rolls the pods', async () => {
    const ns = 'restart';
    await ok(server, ['create', 'namespace', ns]);
    await ok(server, ['-n', ns, 'create', 'deployment', 'web', '--image=busybox', '--replicas=3']);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    const before = new Set((await pods(ns)).map((p) => p.metadata.uid));
    assert.match(await ok(server, ['-n', ns, 'rollout', 'restart', 'deployment/web']), /restarted/);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    await until(async () => (await pods(ns)).every((p) => !before.has(p.metadata.uid)), 'every pod replaced', 60_000, 100);
    const d = await deployment(ns, 'web');
    assert.equal(rev(d), '2');
    assert.ok(d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    const newRS = (await replicaSets(ns)).find((r) => rev(r) === '2');
    assert.ok(newRS?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
  });

  test('minReadySeconds: ready pods count as available only after it', async () => {
    const ns = 'minready';
    await ok(server, ['create', 'namespace', ns]);
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 2,
        minReadySeconds: 4,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    };
    await ok(server, ['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    let sawReadyNotAvailable = false;
    await until(async () => {
      const s = (await deployment(ns, 'web')).status;
      if ((s?.readyReplicas ?? 0) === 2 && (s?.availableReplicas ?? 0) < 2) sawReadyNotAvailable = true;
      return sawReadyNotAvailable;
    }, 'ready but not yet available', 60_000, 100);
    const st = await rolloutStatus(ns, 'web');
    assert.equal(st.code, 0, st.stderr);
    const rs = (await replicaSets(ns))[0];
    assert.equal(rs.spec?.minReadySeconds, 4);
    assert.equal(rs.status?.availableReplicas, 2);
  });

  test('Recreate: every old pod is gone before a new one exists', async () => {
    const ns = 'recreate';
    kubelet.policies.set(ns, { readyAfterMs: 200 });
    await ok(server, ['create', 'namespace', ns]);
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 3,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
      },
    };
    await ok(server, ['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    const mixed: string[] = [];
    let seen = 0;
    const inf = new Informer<Pod>({ client, resource: { group: '', version: 'v1', resource: 'pods', namespace: ns } });
    const check = () => {
      seen++;
      const images = new Set(inf.lister.list().map((p) => imagesOf(p)[0]));
      if (images.size > 1) mixed.push([...images].join('+'));
    };
    inf.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
    inf.start();
    try {
      await inf.waitForSync();
      await ok(server, ['-n', ns, 'set', 'image', 'deployment/web', 'c=busybox:2']);
      const st = await rolloutStatus(ns, 'web');
      assert.equal(st.code, 0, st.stderr);
    } finally {
      await inf.stop();
    }
    assert.deepEqual(mixed, []);
    assert.ok(seen > 6, `saw ${seen} pod events`);
    const ps = await pods(ns);
    assert.equal(ps.length, 3);
    assert.ok(ps.every((p) => imagesOf(p)[0] === 'busybox:2'));
  });

  test('revisionHistoryLimit prunes the oldest ReplicaSets', async () => {
    const ns = 'history';
    await ok(server, ['create', 'namespace', ns]);
    await ok(server, ['-n', ns, 'create', 'deployment', 'web', '--image=busybox:1', '--replicas=2']);
    await ok(server, ['-n', ns, 'patch', 'deployment/web', '-p', '{"spec":{"revisionHistoryLimit":2}}']);
    assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    for (const v of [2, 3, 4, 5]) {
      await ok(server, ['-n', ns, 'set', 'image', 'deployment/web', `busybox=busybox:${v}`]);
      assert.equal((await rolloutStatus(ns, 'web')).code, 0);
    }
    await until(async () => (await replicaSets(ns)).length === 3, 'three ReplicaSets left', 60_000, 100);
    const revs = (await replicaSets(ns)).map((r) => Number(rev(r))).sort();
    assert.deepEqual(revs, [3, 4, 5]);
    const hist = await ok(server, ['-n', ns, 'rollout', 'history', 'deployment/web']);
    assert.doesNotMatch(hist, /\n[12]\s/);
  });

  test('a rollout that makes no progress exceeds its deadline', async () => {
    const ns = 'stuck';
    kubelet.policies.set(ns, { neverReady: true });
    await ok(server, ['create', 'namespace', ns]);
    await ok(server, ['-n', ns, 'create', 'deployment', 'web', '--image=busybox', '--replicas=2']);
    await ok(server, ['-n', ns, 'patch', 'deployment/web', '-p', '{"spec":{"progressDeadlineSeconds":6}}']);
    const st = await rolloutStatus(ns, 'web');
    assert.notEqual(st.code, 0);
    assert.match(st.stderr, /deployment "web" exceeded its progress deadline/);
    const d = await deployment(ns, 'web');
    const p = d.status?.conditions?.find((c) => c.type === 'Progressing');
    assert.equal(p?.status, 'False');
    assert.equal(p?.reason, 'ProgressDeadlineExceeded');
    assert.match(p?.message ?? '', /^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/);
    const a = d.status?.conditions?.find((c) => c.type === 'Available');
    assert.deepEqual([a?.status, a?.reason], ['False', 'MinimumReplicasUnavailable']);
  });
});
