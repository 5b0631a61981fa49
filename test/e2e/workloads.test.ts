// Workload controllers end to end: a real `k8ts server` (controllers off), the Job,
// TTL, CronJob, DaemonSet and StatefulSet controllers running in this process against
// it, the real kubectl, and a tiny fake kubelet below that binds pods, reports them
// Running and Ready, finishes Job pods and completes deletions.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../src/client/rest-client.js';
import { isNotFound } from '../../src/client/errors.js';
import { silentLogger, type Logger } from '../../src/client/log.js';
import type { KObject } from '../../src/client/types.js';
import { startJobController, startTTLAfterFinishedController } from '../../src/controllers/job/index.js';
import { startDaemonSetController } from '../../src/controllers/daemonset/index.js';
import { startStatefulSetController } from '../../src/controllers/statefulset/index.js';
import { startCronJobController } from '../../src/controllers/cronjob/index.js';
import type { Clock } from '../../src/client/clock.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlPath, TestServer, type KubectlResult } from './harness.js';

const kubectl = '1.33';
/** K8TS_TEST_LOG=1 shows the controllers' logs. */
const log: Logger = process.env.K8TS_TEST_LOG ? { info: (m) => console.error(m), warn: (m) => console.error(m), error: (m) => console.error(m) } : silentLogger;

interface PodLike extends KObject {
  spec: { nodeName?: string; containers: { name: string; env?: { name: string; value?: string }[] }[]; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; values?: string[] }[] }[] } } }; tolerations?: { key?: string; effect?: string; operator?: string }[] };
  status?: { phase?: string };
}

interface NodeLike extends KObject {
  spec?: { taints?: { key: string; effect: string }[] };
}

/** Pods go Running+Ready once bound; Job pods finish after ~1 s: Failed if env FAIL=1. */
class FakeKubelet {
  private timer?: NodeJS.Timeout;
  private busy = false;
  private readonly runningSince = new Map<string, number>();
  private stopped = false;

  constructor(private readonly client: RestClient, private readonly finishAfterMs = 1000) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.step().finally(tick), 150);
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async step(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const nodes = (await this.client.list<NodeLike>('/api/v1/nodes')).items;
      const pods = (await this.client.list<PodLike>('/api/v1/pods')).items;
      for (const p of pods) await this.handle(p, nodes).catch(() => {});
    } catch {
      // The next tick looks again.
    } finally {
      this.busy = false;
    }
  }

  private async handle(p: PodLike, nodes: NodeLike[]): Promise<void> {
    const ns = p.metadata.namespace!;
    const path = `/api/v1/namespaces/${ns}/pods/${p.metadata.name}`;
    if (p.metadata.deletionTimestamp) {
      await this.client.delete(path, { gracePeriodSeconds: 0 }).catch((e) => { if (!isNotFound(e)) throw e; });
      return;
    }
    if (!p.spec.nodeName) {
      const target = pinnedNode(p) ?? nodes.find((n) => tolerates(p, n))?.metadata.name;
      if (!target) return;
      await this.client.create(`${path}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: p.metadata.name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: target } });
      return;
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const phase = p.status?.phase ?? 'Pending';
    const names = p.spec.containers.map((c) => c.name);
    if (phase === 'Pending') {
      this.runningSince.set(p.metadata.uid!, Date.now());
      await this.client.patch(`${path}/status`, { status: {
        phase: 'Running', startTime: now, podIP: '10.42.0.9',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }, { type: 'PodScheduled', status: 'True', lastTransitionTime: now }],
        containerStatuses: names.map((name) => ({ name, ready: true, started: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: now } } })),
      } }, 'merge');
      return;
    }
    const isJobPod = p.metadata.labels?.['batch.kubernetes.io/job-name'] !== undefined;
    const since = this.runningSince.get(p.metadata.uid!) ?? 0;
    if (phase === 'Running' && isJobPod && Date.now() - since >= this.finishAfterMs) {
      const fail = p.spec.containers.some((c) => (c.env ?? []).some((e) => e.name === 'FAIL' && e.value === '1'));
      const exitCode = fail ? 1 : 0;
      await this.client.patch(`${path}/status`, { status: {
        phase: fail ? 'Failed' : 'Succeeded',
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }, { type: 'ContainersReady', status: 'False', lastTransitionTime: now }],
        containerStatuses: names.map((name) => ({ name, ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode, reason: fail ? 'Error' : 'Completed', finishedAt: now } } })),
      } }, 'merge');
    }
  }
}

function pinnedNode(p: PodLike): string | undefined {
  for (const t of p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.values?.length) return f.values[0];
  }
  return undefined;
}

function tolerates(p: PodLike, n: NodeLike): boolean {
  return (n.spec?.taints ?? []).filter((t) => t.effect !== 'PreferNoSchedule').every((t) => (p.spec.tolerations ?? []).some((tol) => (tol.operator === 'Exists' && !tol.key) || (tol.key === t.key && (!tol.effect || tol.effect === t.effect))));
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function jobYaml(name: string, extra: string, env = ''): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${extra}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["true"]
${env}`;
}

/**
 * kubectl without blocking: the harness's spawnSync would freeze this process, and with
 * it the controllers and the fake kubelet that kubectl is waiting for.
 */
function run(server: TestServer, args: string[], input?: string, version = kubectl): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(kubectlPath(version), ['--kubeconfig', server.kubeconfig, ...args], { env: { ...process.env, KUBECACHEDIR: join(server.dataDir, 'kubectl-cache'), KUBECONFIG: server.kubeconfig } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

async function ok(server: TestServer, args: string[], input?: string, version = kubectl): Promise<string> {
  const r = await run(server, args, input, version);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** kubectl wait, with the object and its pods in the error when it times out. */
async function waitFor(server: TestServer, condition: string, target: string, timeout = '90s'): Promise<void> {
  const r = await run(server, ['wait', `--for=condition=${condition}`, target, `--timeout=${timeout}`]);
  if (r.code === 0) return;
  const dump = (await run(server, ['get', target, '-o', 'yaml'])).stdout + (await run(server, ['get', 'pods', '-o', 'wide'])).stdout;
  throw new Error(`kubectl wait ${condition} ${target} failed: ${r.stderr}\n${dump}`);
}

/** A clock running `speed` times faster than real time, so an every-minute schedule fires every few seconds. */
function fastClock(speed: number): Clock {
  const base = Date.now();
  return {
    now: () => base + (Date.now() - base) * speed,
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, Math.max(0, ms / speed));
      return { id: 0, t } as unknown as ReturnType<Clock['setTimeout']>;
    },
    clearTimeout: (h) => clearTimeout((h as unknown as { t: NodeJS.Timeout }).t),
  };
}

describe('workload controllers', () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: FakeKubelet;
  const stops: { stop(): Promise<void> }[] = [];

  before(async () => {
    server = await TestServer.start({ args: ['--disable-controllers'] });
    client = RestClient.fromKubeconfig(server.kubeconfig);
    for (const n of ['node-a', 'node-b', 'node-c']) {
      const taints = n === 'node-c' ? [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] : [];
      await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/hostname': n } }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    }
    kubelet = new FakeKubelet(client);
    kubelet.start();
    stops.push(startJobController({ client, log }), startTTLAfterFinishedController({ client, log }), startDaemonSetController({ client, log }), startStatefulSetController({ client, log }), startCronJobController({ client, log, clock: fastClock(30) }));
  });

  after(async () => {
    kubelet?.stop();
    await Promise.all(stops.map((s) => s.stop()));
    client?.close();
    await server?.cleanup();
  });

  test('a Job runs to completion and kubectl wait sees it', async () => {
    await ok(server, ['apply', '-f', '-'], jobYaml('pi', '  completions: 3\n  parallelism: 2'));
    await waitFor(server, 'complete', 'job/pi');
    const out = await ok(server, ['get', 'jobs', 'pi']);
    assert.match(out, /pi\s+Complete\s+3\/3/);
    const job = await client.get<KObject & { status: { succeeded: number; conditions: { type: string }[]; completionTime?: string } }>('/apis/batch/v1/namespaces/default/jobs/pi');
    assert.equal(job.status.succeeded, 3);
    assert.deepEqual(job.status.conditions.map((c) => c.type).sort(), ['Complete', 'SuccessCriteriaMet']);
    assert.ok(job.status.completionTime);
    const pods = (await client.list<PodLike>('/api/v1/namespaces/default/pods', { labelSelector: 'batch.kubernetes.io/job-name=pi' })).items;
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name!, /^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata.finalizers ?? [], []);
      assert.equal(p.metadata.labels?.['job-name'], 'pi');
      assert.equal((p.metadata.ownerReferences?.[0] as { kind: string }).kind, 'Job');
    }
  });

  test('a failing Job stops at its backoffLimit with BackoffLimitExceeded', async () => {
    await ok(server, ['apply', '-f', '-'], jobYaml('bad', '  backoffLimit: 1', '        env:\n        - name: FAIL\n          value: "1"'));
    await waitFor(server, 'failed', 'job/bad');
    const job = await client.get<KObject & { status: { failed: number; conditions: { type: string; reason: string }[] } }>('/apis/batch/v1/namespaces/default/jobs/bad');
    assert.equal(job.status.failed, 2);
    assert.equal(job.status.conditions.find((c) => c.type === 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.match(await ok(server, ['get', 'job', 'bad']), /bad\s+Failed\s+0\/1/);
  });

  test('an Indexed Job runs each index once, with hostnames and completedIndexes', async () => {
    await ok(server, ['apply', '-f', '-'], jobYaml('idx', '  completions: 3\n  parallelism: 3\n  completionMode: Indexed'));
    await waitFor(server, 'complete', 'job/idx');
    const job = await client.get<KObject & { status: { completedIndexes: string } }>('/apis/batch/v1/namespaces/default/jobs/idx');
    assert.equal(job.status.completedIndexes, '0-2');
    const pods = (await client.list<PodLike & { spec: { hostname?: string } }>('/api/v1/namespaces/default/pods', { labelSelector: 'job-name=idx' })).items;
    const indexes = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepEqual(indexes, ['0', '1', '2']);
    for (const p of pods) {
      const ix = p.metadata.annotations!['batch.kubernetes.io/job-completion-index'];
      assert.equal(p.spec.hostname, `idx-${ix}`);
      assert.ok(p.spec.containers[0].env?.some((e) => e.name === 'JOB_COMPLETION_INDEX'));
    }
  });

  test('ttlSecondsAfterFinished deletes the finished Job', async () => {
    await ok(server, ['apply', '-f', '-'], jobYaml('short', '  ttlSecondsAfterFinished: 1'));
    await until('job short deleted', async () => {
      try {
        await client.get('/apis/batch/v1/namespaces/default/jobs/short');
        return undefined;
      } catch (err) {
        return isNotFound(err) ? true : undefined;
      }
    }, 90_000);
  });

  function dsYaml(name: string, image: string, tolerate: boolean): string {
    return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
${tolerate ? '      tolerations:\n      - {key: dedicated, operator: Exists, effect: NoSchedule}\n' : ''}      containers:
      - name: main
        image: ${image}
`;
  }

  async function podsOf(label: string): Promise<PodLike[]> {
    return (await client.list<PodLike>('/api/v1/namespaces/default/pods', { labelSelector: label })).items.filter((p) => !p.metadata.deletionTimestamp);
  }

  test('a DaemonSet covers each node it tolerates, and kubectl rollout status sees it', async () => {
    await ok(server, ['apply', '-f', '-'], dsYaml('agent', 'busybox:1', true) + '---\n' + dsYaml('plain', 'busybox:1', false));
    await ok(server, ['rollout', 'status', 'ds/agent', '--timeout=90s']);
    await ok(server, ['rollout', 'status', 'ds/plain', '--timeout=90s']);
    // The oldest kubectl reads the same status fields.
    if (existsSync(kubectlPath('1.27'))) assert.match(await ok(server, ['rollout', 'status', 'ds/agent', '--timeout=30s'], undefined, '1.27'), /successfully rolled out/);
    const agent = await podsOf('app=agent');
    assert.deepEqual(agent.map((p) => p.spec.nodeName).sort(), ['node-a', 'node-b', 'node-c']);
    const plain = await podsOf('app=plain');
    assert.deepEqual(plain.map((p) => p.spec.nodeName).sort(), ['node-a', 'node-b']);
    for (const p of agent) {
      assert.ok(p.metadata.labels?.['controller-revision-hash']);
      assert.ok(p.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
      assert.equal(pinnedNode(p), p.spec.nodeName);
    }
    const ds = await client.get<KObject & { status: Record<string, number> }>('/apis/apps/v1/namespaces/default/daemonsets/plain');
    assert.equal(ds.status.desiredNumberScheduled, 2);
    assert.equal(ds.status.numberReady, 2);
    assert.equal(ds.status.updatedNumberScheduled, 2);
    const revs = (await client.list('/apis/apps/v1/namespaces/default/controllerrevisions')).items.filter((r) => r.metadata.name!.startsWith('agent-'));
    assert.equal(revs.length, 1);
  });

  test('a DaemonSet rolling update replaces every pod with the new revision', async () => {
    const before = new Set((await podsOf('app=agent')).map((p) => p.metadata.name));
    await ok(server, ['set', 'image', 'ds/agent', 'main=busybox:2']);
    await ok(server, ['rollout', 'status', 'ds/agent', '--timeout=90s']);
    await until('old agent pods gone', async () => {
      const pods = await podsOf('app=agent');
      return pods.length === 3 && pods.every((p) => !before.has(p.metadata.name) && (p.spec.containers[0] as { image?: string }).image === 'busybox:2') ? true : undefined;
    });
    const revs = (await client.list<KObject & { revision: number }>('/apis/apps/v1/namespaces/default/controllerrevisions')).items.filter((r) => r.metadata.name!.startsWith('agent-'));
    assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);
    assert.match(await ok(server, ['rollout', 'history', 'ds/agent']), /1\s.*\n2\s/);
  });

  /** Records pod watch events for a label, in order, as "TYPE name ready". */
  function watchPods(label: string): { events: string[]; stop(): void } {
    const events: string[] = [];
    const abort = new AbortController();
    void client.watch<PodLike>('/api/v1/namespaces/default/pods', { labelSelector: label, resourceVersion: '0' }, (ev) => {
      const ready = ((ev.object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      events.push(`${ev.type} ${ev.object.metadata.name} ${ready ? 'ready' : 'notready'}${ev.object.metadata.deletionTimestamp ? ' deleting' : ''}`);
    }, abort.signal).catch(() => {});
    return { events, stop: () => abort.abort() };
  }

  const stsYaml = (image: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        image: ${image}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

  test('a StatefulSet creates web-0, web-1, web-2 in order, each after the one before is Ready', async () => {
    const w = watchPods('app=web');
    try {
      await ok(server, ['apply', '-f', '-'], stsYaml('busybox:1'));
      await ok(server, ['rollout', 'status', 'sts/web', '--timeout=90s']);
      const added = w.events.filter((e) => e.startsWith('ADDED')).map((e) => e.split(' ')[1]);
      assert.deepEqual(added, ['web-0', 'web-1', 'web-2']);
      for (const [prev, next] of [['web-0', 'web-1'], ['web-1', 'web-2']]) {
        const readyAt = w.events.findIndex((e) => e.startsWith(`MODIFIED ${prev} ready`));
        const addedAt = w.events.findIndex((e) => e.startsWith(`ADDED ${next}`));
        assert.ok(readyAt >= 0 && readyAt < addedAt, `${next} was created before ${prev} was ready: ${w.events.join('; ')}`);
      }
    } finally {
      w.stop();
    }
    const pods = await podsOf('app=web');
    for (const p of pods) {
      const ord = p.metadata.name!.slice(4);
      assert.equal(p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], p.metadata.name);
      assert.equal(p.metadata.labels?.['apps.kubernetes.io/pod-index'], ord);
      assert.equal((p.spec as { hostname?: string }).hostname, p.metadata.name);
      assert.equal((p.spec as { subdomain?: string }).subdomain, 'web');
    }
    const claims = (await client.list('/api/v1/namespaces/default/persistentvolumeclaims')).items.map((c) => c.metadata.name).sort();
    assert.deepEqual(claims, ['data-web-0', 'data-web-1', 'data-web-2']);
    const sts = await client.get<KObject & { status: { readyReplicas: number; currentRevision: string; updateRevision: string } }>('/apis/apps/v1/namespaces/default/statefulsets/web');
    assert.equal(sts.status.readyReplicas, 3);
    assert.equal(sts.status.currentRevision, sts.status.updateRevision);
  });

  test('a StatefulSet rolling update replaces pods from the highest ordinal down', async () => {
    const w = watchPods('app=web');
    try {
      await ok(server, ['set', 'image', 'sts/web', 'main=busybox:2']);
      await ok(server, ['rollout', 'status', 'sts/web', '--timeout=120s']);
      if (existsSync(kubectlPath('1.27'))) assert.match(await ok(server, ['rollout', 'status', 'sts/web', '--timeout=30s'], undefined, '1.27'), /partitioned roll out complete: 3 new pods have been updated/);
      const deleted = [...new Set(w.events.filter((e) => e.includes('deleting') || e.startsWith('DELETED')).map((e) => e.split(' ')[1]))];
      assert.deepEqual(deleted, ['web-2', 'web-1', 'web-0']);
    } finally {
      w.stop();
    }
    const sts = await client.get<KObject & { status: { updatedReplicas: number; currentRevision: string; updateRevision: string } }>('/apis/apps/v1/namespaces/default/statefulsets/web');
    assert.equal(sts.status.updatedReplicas, 3);
    assert.equal(sts.status.currentRevision, sts.status.updateRevision);
    for (const p of await podsOf('app=web')) {
      assert.equal((p.spec.containers[0] as { image?: string }).image, 'busybox:2');
      assert.equal(p.metadata.labels?.['controller-revision-hash'], sts.status.updateRevision);
    }
  });

  test('scaling a StatefulSet down removes the highest ordinal first', async () => {
    const w = watchPods('app=web');
    try {
      await ok(server, ['scale', 'sts/web', '--replicas=1']);
      await until('web scaled to 1', async () => ((await podsOf('app=web')).map((p) => p.metadata.name).join() === 'web-0' ? true : undefined));
      const deleted = [...new Set(w.events.filter((e) => e.includes('deleting') || e.startsWith('DELETED')).map((e) => e.split(' ')[1]))];
      assert.deepEqual(deleted, ['web-2', 'web-1']);
    } finally {
      w.stop();
    }
    // The claims stay (whenScaled: Retain), ready for a scale back up.
    const claims = (await client.list('/api/v1/namespaces/default/persistentvolumeclaims')).items.map((c) => c.metadata.name).sort();
    assert.deepEqual(claims, ['data-web-0', 'data-web-1', 'data-web-2']);
  });

  test('a StatefulSet recreated after an orphaning delete adopts the pod it left', async () => {
    const before = (await podsOf('app=web')).map((p) => p.metadata.uid);
    assert.equal(before.length, 1);
    await ok(server, ['delete', 'sts', 'web', '--cascade=orphan']);
    // What the garbage collector does for an orphaning delete (it is not running here).
    await until('sts web gone', async () => client.get('/apis/apps/v1/namespaces/default/statefulsets/web').then(() => undefined, (e: unknown) => (isNotFound(e) ? true : undefined)));
    await client.patch('/api/v1/namespaces/default/pods/web-0', { metadata: { ownerReferences: null } }, 'merge');
    for (const r of (await client.list('/apis/apps/v1/namespaces/default/controllerrevisions')).items.filter((r) => r.metadata.name!.startsWith('web-'))) {
      await client.patch(`/apis/apps/v1/namespaces/default/controllerrevisions/${r.metadata.name}`, { metadata: { ownerReferences: null } }, 'merge');
    }
    await ok(server, ['apply', '-f', '-'], stsYaml('busybox:2').replace('replicas: 3', 'replicas: 1'));
    const sts = await client.get('/apis/apps/v1/namespaces/default/statefulsets/web');
    await until('web-0 adopted', async () => {
      const [p] = await podsOf('app=web');
      return p && (p.metadata.ownerReferences?.[0] as { uid?: string } | undefined)?.uid === sts.metadata.uid ? p : undefined;
    });
    const after = await podsOf('app=web');
    assert.deepEqual(after.map((p) => p.metadata.uid), before, 'the same pod, not a new one');
    await ok(server, ['rollout', 'status', 'sts/web', '--timeout=60s']);
  });

  test('a CronJob starts Jobs on its schedule and keeps its history limit (clock 30x fast)', async () => {
    await ok(server, ['apply', '-f', '-'], `apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "*/1 * * * *"
  timeZone: Etc/UTC
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 2
  jobTemplate:
    metadata:
      labels: {cron: tick}
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: main
            image: busybox
`);
    type CJ = KObject & { status?: { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: unknown[] } };
    const jobsOf = async () => (await client.list<KObject & { status?: { conditions?: { type: string }[] } }>('/apis/batch/v1/namespaces/default/jobs', { labelSelector: 'cron=tick' })).items;
    const first = await until('a job of the cronjob', async () => (await jobsOf())[0]);
    assert.match(first.metadata.name!, /^tick-\d{8}$/);
    const minutes = Number(first.metadata.name!.slice(5));
    assert.equal(first.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(minutes * 60000).toISOString().replace(/\.000Z$/, 'Z'));
    assert.equal((first.metadata.ownerReferences?.[0] as { kind: string }).kind, 'CronJob');
    await until('lastSuccessfulTime', async () => (await client.get<CJ>('/apis/batch/v1/namespaces/default/cronjobs/tick')).status?.lastSuccessfulTime);
    // Several runs later at most two finished ones remain.
    const names = new Set<string>();
    await until('four runs', async () => {
      for (const j of await jobsOf()) names.add(j.metadata.name!);
      return names.size >= 4 ? true : undefined;
    }, 90_000);
    await until('history trimmed to 2', async () => ((await jobsOf()).filter((j) => j.status?.conditions?.some((c) => c.type === 'Complete')).length <= 2 ? true : undefined));
    await ok(server, ['patch', 'cronjob/tick', '-p', '{"spec":{"suspend":true}}']);
    await ok(server, ['create', 'job', 'manual', '--from=cronjob/tick']);
    await waitFor(server, 'complete', 'job/manual');
  });
});
