// A Deployment of 1,000 replicas on 100 simulated nodes (`k8ts hollow` in its own
// process: pods bound to them go Running and Ready at once), driven by the real
// kubectl 1.33 against a real `k8ts server` (controllers and scheduler, no agent):
//   1. `kubectl apply` of the Deployment until its status says all replicas are updated,
//      ready and available (observedGeneration caught up);
//   2. a rolling update (`kubectl set env`, a new pod template, default 25% surge and
//      25% unavailable) until `kubectl rollout status` returns.
// Each run uses a fresh server; the medians of the runs are printed.
//
//   node dist/bench/scheduler/deployment.js [replicas = 1000] [nodes = 100] [runs = 3]

import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RestClient } from '../../src/client/rest-client.js';
import type { KObject } from '../../src/client/types.js';
import { kubectlPath } from '../../test/e2e/harness.js';
import { startServer } from '../apiserver/server-process.js';
import { BenchSetupError, startChild, stopChild, stopServer } from '../dns/processes.js';

const REPLICAS = Number(process.argv[2] ?? 1000);
const NODES = Number(process.argv[3] ?? 100);
const RUNS = Number(process.argv[4] ?? 3);
const KUBECTL = kubectlPath('1.33');
const k8tsBin = resolve(new URL('.', import.meta.url).pathname, '../../../bin/k8ts');
const NAME = 'bench';

interface DeploymentStatus extends KObject {
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}

function manifest(round: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: NAME } },
      template: {
        metadata: { labels: { app: NAME } },
        spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', env: [{ name: 'ROUND', value: round }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  });
}

function kubectl(kubeconfig: string, args: string[], input?: string): Promise<string> {
  return new Promise((ok, fail) => {
    const p = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, KUBECACHEDIR: join(dirname(kubeconfig), 'kubectl-cache') } });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    p.once('exit', (code) => (code === 0 ? ok(out) : fail(new BenchSetupError(`kubectl ${args.join(' ')} exited ${code}: ${out}`))));
    p.stdin.end(input ?? '');
  });
}

/** Polls the Deployment until every replica is updated, ready and available for its latest generation. */
async function untilComplete(client: RestClient, timeoutMs: number): Promise<DeploymentStatus> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const d = await client.get<DeploymentStatus>(`/apis/apps/v1/namespaces/default/deployments/${NAME}`);
    const s = d.status ?? {};
    if ((s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && s.updatedReplicas === REPLICAS && s.readyReplicas === REPLICAS && s.availableReplicas === REPLICAS && s.replicas === REPLICAS) return d;
    if (performance.now() > deadline) throw new BenchSetupError(`deployment not complete in ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function countPods(client: RestClient): Promise<number> {
  return (await client.list('/api/v1/namespaces/default/pods', { labelSelector: `app=${NAME}` })).items.length;
}

interface PodView extends KObject {
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Watches the benchmark's pods and notes when the count created, bound and Ready first
 * reaches each target: where the time goes (controller, scheduler, kubelets, status).
 */
class PodMilestones {
  private readonly created = new Set<string>();
  private readonly bound = new Set<string>();
  private readonly ready = new Set<string>();
  private readonly deleted = new Set<string>();
  readonly at: Record<string, number> = {};
  private t0 = 0;
  private readonly abort = new AbortController();
  private watching?: Promise<void>;

  constructor(private readonly client: RestClient) {}

  async start(): Promise<void> {
    const list = await this.client.list('/api/v1/namespaces/default/pods', { limit: 1 });
    this.watching = this.client.watch<PodView>('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 3600, labelSelector: `app=${NAME}` }, (ev) => {
      const name = ev.object.metadata.name ?? '';
      if (ev.type === 'DELETED') {
        this.note(this.deleted, name, 'deleted');
        return;
      }
      this.note(this.created, name, 'created');
      if (ev.object.spec?.nodeName) this.note(this.bound, name, 'bound');
      if (ev.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) this.note(this.ready, name, 'ready');
    }, this.abort.signal).catch((e: unknown) => {
      process.stderr.write(`pod watch ended: ${(e as Error).message}\n`);
    });
  }

  /** Starts a new phase: counts from zero, times from now. */
  reset(): void {
    this.created.clear();
    this.bound.clear();
    this.ready.clear();
    this.deleted.clear();
    for (const k of Object.keys(this.at)) delete this.at[k];
    this.t0 = performance.now();
  }

  private note(set: Set<string>, name: string, what: string): void {
    if (set.has(name)) return;
    set.add(name);
    if (set.size === 1) this.at[`first ${what}`] = performance.now() - this.t0;
    if (set.size === REPLICAS) this.at[`all ${what}`] = performance.now() - this.t0;
  }

  summary(): string {
    return Object.entries(this.at).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.watching;
  }
}

interface RunResult {
  readySeconds: number;
  rolloutSeconds: number;
  rolloutSeenSeconds: number;
  serverCpu: number;
}

async function run(): Promise<RunResult> {
  const server = await startServer();
  const client = RestClient.fromKubeconfig(server.kubeconfig, { userAgent: 'bench-deployment' });
  let hollow;
  const pods = new PodMilestones(client);
  try {
    await pods.start();
    hollow = (await startChild(process.execPath, [k8tsBin, 'hollow', '--kubeconfig', server.kubeconfig, '--nodes', String(NODES)], /hollow nodes; ready/, 120_000)).proc;
    const cpu0 = server.usage().cpuSeconds;
    const t0 = performance.now();
    pods.reset();
    await kubectl(server.kubeconfig, ['apply', '-f', '-'], manifest('1'));
    await untilComplete(client, 600_000);
    const readySeconds = (performance.now() - t0) / 1000;
    process.stderr.write(`  ${REPLICAS} ready in ${readySeconds.toFixed(1)} s (${await countPods(client)} pods): ${pods.summary()}\n`);

    const t1 = performance.now();
    pods.reset();
    await kubectl(server.kubeconfig, ['set', 'env', `deployment/${NAME}`, 'ROUND=2']);
    await kubectl(server.kubeconfig, ['rollout', 'status', `deployment/${NAME}`, '--timeout=600s']);
    const rolloutSeconds = (performance.now() - t1) / 1000;
    await untilComplete(client, 600_000);
    const rolloutSeenSeconds = (performance.now() - t1) / 1000;
    process.stderr.write(`  rolled out in ${rolloutSeconds.toFixed(1)} s: new pods ${pods.summary()}\n`);
    return { readySeconds, rolloutSeconds, rolloutSeenSeconds, serverCpu: server.usage().cpuSeconds - cpu0 };
  } finally {
    // The pods go with the server's data directory; the hollow nodes first, so that
    // nothing writes to a server that is shutting down.
    await stopChild(hollow);
    await pods.stop();
    client.close();
    await stopServer(server);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: RunResult[] = [];
for (let r = 0; r < RUNS; r++) {
  const res = await run();
  results.push(res);
  console.log(`run ${r + 1}: apply to all ${REPLICAS} ready ${res.readySeconds.toFixed(1)} s, rolling update (kubectl rollout status) ${res.rolloutSeconds.toFixed(1)} s (status complete at ${res.rolloutSeenSeconds.toFixed(1)} s), server CPU ${res.serverCpu.toFixed(1)} s`);
}
console.log(`\nDeployment of ${REPLICAS} replicas on ${NODES} hollow nodes, kubectl 1.33: median of ${RUNS} run(s)`);
console.log(`  kubectl apply -> all ready      ${median(results.map((r) => r.readySeconds)).toFixed(1)} s`);
console.log(`  rolling update -> rollout done  ${median(results.map((r) => r.rolloutSeconds)).toFixed(1)} s`);
