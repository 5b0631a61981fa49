// SchedulingBasic, after Kubernetes' scheduler_perf: 5,000 simulated nodes, 10,000
// pods created by 64 concurrent clients while the scheduler runs; reports pods
// scheduled per second (creation of the first pod to binding of the last, and the
// median of per-second samples) and the p99 from create to bound as seen by a watch,
// beside Kubernetes' CI threshold for this test (270 pods/s).
//
//   node dist/bench/scheduler/basic.js [nodes = 5000] [pods = 10000] [runs = 1] [--most-allocated] [--precreate] [--no-events] [--bind-concurrency=128]

import { RestClient } from '../../src/client/rest-client.js';
import { HollowNodes } from '../../src/kubelet/hollow/hollow-nodes.js';
import type { Scheduler } from '../../src/scheduler/scheduler.js';
import { startScheduler } from '../../src/scheduler/start.js';
import { startServer } from '../apiserver/server-process.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const mostAllocated = process.argv.includes('--most-allocated');
/** Create every pod first, then start the scheduler: its own throughput, apart from create load. */
const precreate = process.argv.includes('--precreate');
/** Skip the per-pod "Scheduled" events (one more API write per pod). */
const noEvents = process.argv.includes('--no-events');
const bindFlag = process.argv.find((a) => a.startsWith('--bind-concurrency='));
const bindConcurrency = bindFlag ? Number(bindFlag.split('=')[1]) : undefined;
const NODES = Number(args[0] ?? 5000);
const PODS = Number(args[1] ?? 10_000);
const RUNS = Number(args[2] ?? 1);
const CLIENTS = 64;
const K8S_THRESHOLD = 270;

const quiet = { info: () => {}, warn: (m: string) => process.stderr.write(`warn ${m}\n`), error: (m: string) => process.stderr.write(`error ${m}\n`) };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

function podBody(i: number): unknown {
  // pod-default.yaml of scheduler_perf: one container requesting 100m and 500Mi.
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, labels: { bench: 'basic', i: String(i) } },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] },
  };
}

interface RunResult {
  podsPerSecond: number;
  samplesP50: number;
  p50Ms: number;
  p99Ms: number;
  bound: number;
}

async function run(): Promise<RunResult> {
  const server = await startServer(['--disable-controllers']);
  const client = RestClient.fromKubeconfig(server.kubeconfig, { userAgent: 'bench-scheduler' });
  const watchClient = RestClient.fromKubeconfig(server.kubeconfig, { userAgent: 'bench-watch' });
  const abort = new AbortController();
  let sched: { stop(): Promise<void> } | undefined;
  try {
    const t0 = performance.now();
    // Leases and pod status are not needed here (scheduler_perf has no kubelets either).
    await new HollowNodes({ client, count: NODES, leases: false, runPods: false, concurrency: 64, cpu: '4', memory: '32Gi', pods: 110, log: quiet }).start();
    process.stderr.write(`registered ${NODES} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    const created = new Map<string, number>();
    const bound = new Map<string, number>();
    let allBound: () => void = () => {};
    const done = new Promise<void>((r) => (allBound = r));
    const list = await watchClient.list('/api/v1/namespaces/default/pods', { limit: 1 });
    const watching = watchClient.watch<{ metadata: { name?: string }; spec?: { nodeName?: string } } & { metadata: Record<string, unknown> }>(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 3600 },
      (ev) => {
        const name = ev.object.metadata.name ?? '';
        if (ev.object.spec?.nodeName && !bound.has(name)) {
          bound.set(name, performance.now());
          if (bound.size >= PODS) allBound();
        }
      },
      abort.signal,
    ).catch((err: unknown) => process.stderr.write(`watch ended: ${(err as Error).message}\n`));

    let s: Scheduler | undefined;
    const launch = () => new Promise<void>((r) => {
      sched = startScheduler({
        client,
        log: quiet,
        leaderElection: false,
        recordScheduledEvents: !noEvents,
        bindConcurrency,
        config: mostAllocated ? { nodeResourcesFit: { scoringStrategy: { type: 'MostAllocated' } } } : undefined,
        onStarted: (x) => {
          s = x;
          r();
        },
      });
    });
    if (!precreate) await launch();

    let start = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < PODS) {
        const i = next++;
        const t = performance.now();
        const pod = await client.create<{ metadata: { name?: string } }>('/api/v1/namespaces/default/pods', podBody(i));
        // The pod exists from its create request's start, as scheduler_perf counts it.
        created.set(pod.metadata.name ?? '', t);
      }
    }));
    const createdIn = (performance.now() - start) / 1000;
    const cpu0 = process.cpuUsage();
    const srv0 = server.usage().cpuSeconds;
    if (precreate) {
      start = performance.now();
      for (const k of created.keys()) created.set(k, start);
      await launch();
    }
    const timeout = setTimeout(() => allBound(), 600_000);
    await done;
    clearTimeout(timeout);
    const end = Math.max(...bound.values());
    const latencies: number[] = [];
    for (const [name, t] of bound) {
      const c = created.get(name);
      if (c !== undefined) latencies.push(t - c);
    }
    latencies.sort((a, b) => a - b);
    // Per-second throughput samples, as scheduler_perf's SchedulingThroughput takes them.
    const perSecond = new Map<number, number>();
    for (const t of bound.values()) perSecond.set(Math.floor((t - start) / 1000), (perSecond.get(Math.floor((t - start) / 1000)) ?? 0) + 1);
    const samples: number[] = [];
    const lastSecond = Math.floor((end - start) / 1000);
    for (let sec = 0; sec < lastSecond; sec++) samples.push(perSecond.get(sec) ?? 0);
    const cpu = process.cpuUsage(cpu0);
    process.stderr.write(`created ${PODS} pods in ${createdIn.toFixed(1)} s; scheduler stats ${JSON.stringify(s?.stats)}; cpu after creates: bench process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, server ${(server.usage().cpuSeconds - srv0).toFixed(1)} s\n`);
    abort.abort();
    await watching;
    return { podsPerSecond: bound.size / ((end - start) / 1000), samplesP50: median(samples.length ? samples : [bound.size]), p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), bound: bound.size };
  } finally {
    abort.abort();
    await sched?.stop();
    client.close();
    watchClient.close();
    await server.stop();
  }
}

const results: RunResult[] = [];
for (let r = 0; r < RUNS; r++) {
  const res = await run();
  results.push(res);
  console.log(`run ${r + 1}: ${res.podsPerSecond.toFixed(0)} pods/s overall, ${res.samplesP50} pods/s median per-second sample, create-to-bound p50 ${res.p50Ms.toFixed(0)} ms p99 ${res.p99Ms.toFixed(0)} ms (${res.bound} bound)`);
}
const pps = median(results.map((r) => r.podsPerSecond));
const p99 = median(results.map((r) => r.p99Ms));
console.log(`\nSchedulingBasic ${NODES} nodes / ${PODS} pods${mostAllocated ? ' (MostAllocated)' : ''}: median of ${RUNS} run(s)`);
console.log(`  k8ts scheduler      ${pps.toFixed(0)} pods/s   p99 create-to-bound ${p99.toFixed(0)} ms`);
console.log(`  Kubernetes CI bar   ${K8S_THRESHOLD} pods/s   (goal 540 pods/s)`);
console.log(`  ratio               ${(pps / K8S_THRESHOLD).toFixed(2)}x the threshold`);
