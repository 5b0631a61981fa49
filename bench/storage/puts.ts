// Create throughput: SqliteStore (in process, group commit, every commit fsynced before it is acknowledged) against
// Debian's etcd on loopback through its HTTP/JSON gateway, both with 64 writes in flight
// and values about the size of a pod (~1.5 KB). Prints each run, the medians of 3 and
// their ratio.  Run: node dist/bench/storage/puts.js [writes per run = 20000]

import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite.js';
import { startEtcd } from '../../src/storage/etcd-test-server.js';

const IN_FLIGHT = 64;
const RUNS = 3;

/** About what a small pod looks like in storage. */
function podValue(i: number): string {
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: `bench-${i}`, namespace: 'default', uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      labels: { app: 'bench', tier: 'backend', 'pod-template-hash': '5d4c7b9f8' },
      annotations: { 'kubernetes.io/created-by': 'bench' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'bench-5d4c7b9f8', uid: 'x', controller: true }],
    },
    spec: {
      containers: [{
        name: 'app', image: 'registry.local/bench/app:1.0', imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        env: [{ name: 'MODE', value: 'bench' }, { name: 'LOG_LEVEL', value: 'info' }],
        terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default', schedulerName: 'default-scheduler', priority: 0,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
  const s = JSON.stringify(pod);
  return s + ' '.repeat(Math.max(0, 1500 - s.length));
}

/** Runs n writes with IN_FLIGHT at once; returns writes per second. */
async function drive(n: number, write: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < n) await write(next++);
  }));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return n / secs;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number): string => `${Math.round(x).toLocaleString('en-US')} writes/s`;

async function benchSqlite(n: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-bench-sqlite-'));
  const store = new SqliteStore({ path: join(dir, 'state.db') });
  try {
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const rate = await drive(n, async (i) => { await store.create(`/registry/pods/default/r${run}-${i}`, podValue(i)); });
      const s = store.stats();
      console.log(`sqlite run ${run + 1}: ${fmt(rate)} (${s.commits} commits so far for ${s.writes} writes)`);
      rates.push(rate);
    }
    return rates;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** POSTs JSON over a keep-alive connection pool (cheaper per request than fetch). */
function postJson(agent: Agent, base: URL, path: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: base.hostname, port: base.port, path, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`etcd ${path}: HTTP ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function benchEtcd(n: number): Promise<number[]> {
  const etcd = await startEtcd();
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  try {
    const base = new URL(etcd.url);
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const rate = await drive(n, (i) => postJson(agent, base, '/v3/kv/put',
        JSON.stringify({ key: b64(`/registry/pods/default/r${run}-${i}`), value: b64(podValue(i)) })));
      console.log(`etcd   run ${run + 1}: ${fmt(rate)}`);
      rates.push(rate);
    }
    return rates;
  } finally {
    agent.destroy();
    await etcd.stop();
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  console.log(`creates of ~1.5 KB values, ${IN_FLIGHT} in flight, ${n} per run, median of ${RUNS}`);
  const sqlite = median(await benchSqlite(n));
  const etcd = median(await benchEtcd(n));
  console.log(`SqliteStore: ${fmt(sqlite)}`);
  console.log(`etcd 3.4 (HTTP/JSON gateway): ${fmt(etcd)}`);
  console.log(`ratio SqliteStore / etcd: ${(sqlite / etcd).toFixed(2)}x`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
