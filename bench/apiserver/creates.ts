// Pod creates per second through the API with 64 concurrent clients while 100 watches
// of all pods (controllers' informers) and 1,000 watches filtered by spec.nodeName
// (kubelets) are open, beside etcd's own put rate with 64 in flight (Debian's
// etcd-server, the etcd3 client, values of a pod's size) measured in the same run.
//
//   node dist/bench/apiserver/creates.js [pods per run = 5000] [runs = 3] [watches: on|off = on] [warm-up writes = 1000]
//
// Each side first takes warm-up writes that are not measured: a long-running server's
// code is compiled and its connections open, while a fresh Node process runs its first
// thousand creates several times slower than the rest.

import { Etcd3 } from 'etcd3';
import { startEtcd } from '../../src/storage/etcd-test-server.js';
import { agent, call, credentialsFrom, median, percentile, podBody } from './client.js';
import { WatcherProcesses } from './watchers.js';
import { phase, startServer } from './server-process.js';

const IN_FLIGHT = 64;
const total = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 3);
const withWatches = process.argv[4] !== 'off';
const warmUp = Number(process.argv[5] ?? 1000);
const FULL_WATCHES = withWatches ? 100 : 0;
const NODE_WATCHES = withWatches ? 1000 : 0;

async function drive(n: number, op: (i: number) => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: n / seconds, latencies: latencies.sort((a, b) => a - b) };
}

async function etcdRun(run: number): Promise<number> {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.url });
  try {
    // As large as the pod k8ts stores for podBody (defaulted, with managedFields and the token volume): ~2.5 KB.
    const value = podBody('x', 'node-0').padEnd(2500, ' ');
    await drive(warmUp, async (i) => { await client.put(`/registry/pods/default/warm-${run}-${i}`).value(value); });
    const { perSecond } = await drive(total, async (i) => { await client.put(`/registry/pods/default/bench-${run}-${i}`).value(value); });
    return perSecond;
  } finally {
    client.close();
    await etcd.stop();
  }
}

interface K8tsRun {
  perSecond: number;
  p50: number;
  p99: number;
  delivered: number;
  /** CPU seconds the server, this process (the creating clients) and the watcher process spent on the creates (including the wait for the last events). */
  serverCpu: number;
  clientCpu: number;
  watcherCpu: number;
}

async function k8tsRun(run: number): Promise<K8tsRun> {
  const server = await startServer(['--disable-controllers']);
  const creds = credentialsFrom(server.kubeconfig);
  const writeAgent = agent(creds, IN_FLIGHT);
  const paths = [
    ...Array.from({ length: FULL_WATCHES }, () => '/api/v1/pods?watch=1'),
    ...Array.from({ length: NODE_WATCHES }, (_, i) => `/api/v1/pods?watch=1&fieldSelector=${encodeURIComponent(`spec.nodeName=node-${i}`)}`),
  ];
  // The watchers live in their own process: a core of their own when one is free, and their CPU counted apart.
  let watchers: WatcherProcesses | undefined;
  let delivered = 0;
  try {
    if (paths.length > 0) watchers = await WatcherProcesses.open(server.kubeconfig, paths);
    // Every event reaches its watchers: each to each full watch, each to one node watch.
    const eventsFor = (n: number): number => n * FULL_WATCHES + (NODE_WATCHES > 0 ? n : 0);
    await drive(warmUp, async (i) => {
      const r = await call(creds, writeAgent, 'POST', '/api/v1/namespaces/default/pods', podBody(`warm-${run}-${i}`, `node-${i % 1000}`));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.body.slice(0, 200)}`);
    });
    const warmDeadline = Date.now() + 60_000;
    while (watchers && (await watchers.count()) < eventsFor(warmUp) && Date.now() < warmDeadline) await new Promise((r) => setTimeout(r, 50));
    phase('creates');
    const serverBefore = server.usage().cpuSeconds;
    const clientBefore = process.cpuUsage();
    const watchersBefore = watchers?.cpuSeconds() ?? 0;
    const { perSecond, latencies } = await drive(total, async (i) => {
      const r = await call(creds, writeAgent, 'POST', '/api/v1/namespaces/default/pods', podBody(`bench-${run}-${i}`, `node-${i % 1000}`));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.body.slice(0, 200)}`);
    });
    const expected = eventsFor(warmUp + total);
    const deadline = Date.now() + 60_000;
    while (watchers && (delivered = await watchers.count()) < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const client = process.cpuUsage(clientBefore);
    phase('end');
    return {
      perSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99), delivered: expected > 0 ? (delivered - eventsFor(warmUp)) / eventsFor(total) : 1,
      serverCpu: server.usage().cpuSeconds - serverBefore, clientCpu: (client.user + client.system) / 1e6,
      watcherCpu: (watchers?.cpuSeconds() ?? 0) - watchersBefore,
    };
  } finally {
    await watchers?.stop();
    writeAgent.destroy();
    await server.stop();
  }
}

const k8ts: K8tsRun[] = [];
const etcd: number[] = [];
for (let run = 0; run < runs; run++) {
  const e = await etcdRun(run);
  etcd.push(e);
  const k = await k8tsRun(run);
  k8ts.push(k);
  console.log(`run ${run + 1}: k8ts ${k.perSecond.toFixed(0)} creates/s (p50 ${k.p50.toFixed(1)} ms, p99 ${k.p99.toFixed(1)} ms, ${(k.delivered * 100).toFixed(1)}% of watch events delivered; CPU: server ${(k.serverCpu * 1000 / total).toFixed(2)} ms, creating clients ${(k.clientCpu * 1000 / total).toFixed(2)} ms, watchers ${(k.watcherCpu * 1000 / total).toFixed(2)} ms per create); etcd ${e.toFixed(0)} puts/s; ratio ${(k.perSecond / e).toFixed(2)}`);
}
const k8tsRate = median(k8ts.map((k) => k.perSecond));
const etcdRate = median(etcd);
console.log(`median over ${runs} runs of ${total}: k8ts ${k8tsRate.toFixed(0)} pod creates/s (p50 ${median(k8ts.map((k) => k.p50)).toFixed(1)} ms, p99 ${median(k8ts.map((k) => k.p99)).toFixed(1)} ms) with ${FULL_WATCHES} + ${NODE_WATCHES} watches; etcd ${etcdRate.toFixed(0)} puts/s; ratio ${(k8tsRate / etcdRate).toFixed(2)} (median of the runs' own ratios ${median(k8ts.map((k, i) => k.perSecond / etcd[i])).toFixed(2)}); server CPU ${median(k8ts.map((k) => k.serverCpu * 1000 / total)).toFixed(2)} ms per create`);
