// LIST of 10,000 pods (JSON and Table) and watch event delivery to 1,000 watchers.
//
//   node dist/bench/apiserver/list-watch.js [pods = 10000] [watchers = 1000] [watcher processes = 2] [events = 50]

import { agent, call, credentialsFrom, percentile, podBody } from './client.js';
import { WatcherProcesses } from './watchers.js';
import { phase, startServer } from './server-process.js';

const pods = Number(process.argv[2] ?? 10000);
const watchers = Number(process.argv[3] ?? 1000);
const watcherProcesses = Number(process.argv[4] ?? 2);
const events = Number(process.argv[5] ?? 50);
const WARM_UP = 5;
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const server = await startServer(['--disable-controllers']);
const creds = credentialsFrom(server.kubeconfig);
const a = agent(creds, 64);
try {
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < pods) {
      const i = next++;
      const r = await call(creds, a, 'POST', '/api/v1/namespaces/default/pods', podBody(`list-${i}`, `node-${i % 100}`));
      if (r.status !== 201) throw new Error(`create: ${r.status} ${r.body.slice(0, 200)}`);
    }
  }));

  // Server CPU per operation: steadier than latencies on a shared machine.
  const cpuPer = async (n: number, work: () => Promise<void>): Promise<number> => {
    const before = server.usage().cpuSeconds;
    await work();
    return ((server.usage().cpuSeconds - before) * 1000) / n;
  };
  const cpu: Record<string, number> = {};
  const timeList = async (accept: string, query: string) => {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const r = await call(creds, a, 'GET', `/api/v1/namespaces/default/pods${query}`, undefined, accept);
      if (r.status !== 200) throw new Error(`list: ${r.status}`);
      times.push(performance.now() - t);
    }
    return times.sort((x, y) => x - y);
  };
  phase('list-json');
  let json: number[] = [];
  let tbl: number[] = [];
  cpu.json = await cpuPer(20, async () => { json = await timeList('application/json', ''); });
  phase('list-table');
  cpu.table = await cpuPer(20, async () => { tbl = await timeList(tableAccept, ''); });
  phase('list-paged');
  const paged = await timeList(tableAccept, '?limit=500');
  phase('watch-open');
  console.log(`LIST ${pods} pods, 20 times each: JSON p50 ${percentile(json, 50).toFixed(0)} ms p99 ${percentile(json, 99).toFixed(0)} ms; Table p50 ${percentile(tbl, 50).toFixed(0)} ms p99 ${percentile(tbl, 99).toFixed(0)} ms; first page of 500 as kubectl asks (Table) p50 ${percentile(paged, 50).toFixed(0)} ms p99 ${percentile(paged, 99).toFixed(0)} ms; server CPU per list: JSON ${cpu.json.toFixed(0)} ms, Table ${cpu.table.toFixed(0)} ms`);

  // Delivery: every watcher records when it sees the marker pod's event. The watchers
  // run in processes of their own (watch-process.ts), so their reading is not queued
  // behind this process's work, and their clock (process.hrtime) is the one used here.
  const paths = Array.from({ length: watchers }, () => '/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&fieldSelector=metadata.name%3Dmarker');
  const watch = await WatcherProcesses.open(server.kubeconfig, paths, { processes: watcherProcesses, markers: true });
  const latencies: number[] = [];
  /** When the PATCH's response came, after it was sent: the part of each delivery before the fan-out. */
  const patched: number[] = [];
  let deliveryCpu = 0;
  let watcherCpu = 0;
  try {
    await call(creds, a, 'POST', '/api/v1/namespaces/default/pods', podBody('marker', 'node-0'));
    phase('watch-deliver');
    let deliveryCpuBefore = 0;
    let watcherCpuBefore = 0;
    // The first few events warm the patch and fan-out paths up (JIT); they are not counted.
    for (let seq = -WARM_UP; seq < events; seq++) {
      if (seq === 0) {
        deliveryCpuBefore = server.usage().cpuSeconds;
        watcherCpuBefore = watch.cpuSeconds();
      }
      const sent = process.hrtime.bigint();
      const patch = JSON.stringify({ metadata: { annotations: { 'marker-seq': String(seq + WARM_UP) } } });
      const r = await call(creds, a, 'PATCH', '/api/v1/namespaces/default/pods/marker', patch, 'application/json', 'application/merge-patch+json');
      if (r.status !== 200) throw new Error(`patch: ${r.status}`);
      if (seq >= 0) patched.push(Number(process.hrtime.bigint() - sent) / 1e6);
      const deadline = Date.now() + 10_000;
      let times: bigint[] | undefined;
      while (!(times = watch.markerTimes(seq + WARM_UP)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 1));
      if (seq >= 0) for (const t of times ?? []) latencies.push(Number(t - sent) / 1e6);
      // Let the loops settle, as events that come now and then do.
      await new Promise((res) => setTimeout(res, 20));
    }
    phase('end');
    deliveryCpu = ((server.usage().cpuSeconds - deliveryCpuBefore) * 1000) / events;
    watcherCpu = ((watch.cpuSeconds() - watcherCpuBefore) * 1000) / events;
  } finally {
    await watch.stop();
  }
  latencies.sort((x, y) => x - y);
  patched.sort((x, y) => x - y);
  console.log(`watch delivery to ${watchers} watchers (in ${watcherProcesses} processes), ${events} events: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, last ${latencies[latencies.length - 1]?.toFixed(1)} ms (${latencies.length} deliveries of ${events * watchers}); PATCH response p50 ${percentile(patched, 50).toFixed(1)} ms, p99 ${percentile(patched, 99).toFixed(1)} ms; CPU per event: server ${deliveryCpu.toFixed(1)} ms (patch included), watchers ${watcherCpu.toFixed(1)} ms`);
  const usage = server.usage();
  console.log(`server resident memory with ${pods} pods: ${(usage.rss / 1048576).toFixed(0)} MB`);
} finally {
  a.destroy();
  await server.stop();
}
