// LIST of 10,000 pods (JSON and Table) and watch event delivery to 1,000 watchers.
//
//   node dist/bench/apiserver/list-watch.js [pods = 10000] [watchers = 1000]

import { agent, call, credentialsFrom, median, openWatch, percentile, podBody } from './client.js';
import { phase, startServer } from './server-process.js';

const pods = Number(process.argv[2] ?? 10000);
const watchers = Number(process.argv[3] ?? 1000);
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

  // Delivery: every watcher records when it sees the marker pod's event.
  const wa = agent(creds, Infinity);
  const arrivals = new Map<string, number[]>();
  const closers: (() => void)[] = [];
  for (let w = 0; w < watchers; w++) {
    closers.push(await openWatch(creds, wa, '/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&fieldSelector=metadata.name%3Dmarker', (line) => {
      const m = /"marker-seq":"(\d+)"/.exec(line);
      if (!m) return;
      const list = arrivals.get(m[1]) ?? [];
      list.push(performance.now());
      arrivals.set(m[1], list);
    }));
  }
  await call(creds, a, 'POST', '/api/v1/namespaces/default/pods', podBody('marker', 'node-0'));
  const latencies: number[] = [];
  phase('watch-deliver');
  const deliveryCpuBefore = server.usage().cpuSeconds;
  for (let seq = 0; seq < 20; seq++) {
    const sent = performance.now();
    const patch = JSON.stringify({ metadata: { annotations: { 'marker-seq': String(seq) } } });
    const r = await new Promise<{ status: number }>((resolve, reject) => {
      import('node:https').then(({ request }) => {
        const req = request(`${creds.server}/api/v1/namespaces/default/pods/marker`, { method: 'PATCH', agent: a, headers: { 'Content-Type': 'application/merge-patch+json' } }, (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0 })); });
        req.on('error', reject);
        req.end(patch);
      }, reject);
    });
    if (r.status !== 200) throw new Error(`patch: ${r.status}`);
    const deadline = Date.now() + 10_000;
    while ((arrivals.get(String(seq))?.length ?? 0) < watchers && Date.now() < deadline) await new Promise((res) => setTimeout(res, 1));
    for (const t of arrivals.get(String(seq)) ?? []) latencies.push(t - sent);
  }
  phase('end');
  const deliveryCpu = ((server.usage().cpuSeconds - deliveryCpuBefore) * 1000) / 20;
  latencies.sort((x, y) => x - y);
  console.log(`watch delivery to ${watchers} watchers, 20 events: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (${latencies.length} deliveries of ${20 * watchers}); server CPU per event (patch included) ${deliveryCpu.toFixed(1)} ms`);
  for (const c of closers) c();
  wa.destroy();
  const usage = server.usage();
  console.log(`server resident memory with ${pods} pods: ${(usage.rss / 1048576).toFixed(0)} MB`);
  void median;
} finally {
  a.destroy();
  await server.stop();
}
