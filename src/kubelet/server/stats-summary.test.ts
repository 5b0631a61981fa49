import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, ContainerStats } from '../../runtime/cri.js';
import { nanoCores, parseMeminfoBytes, parseProcStatCpu, StatsSummaryProvider } from './stats-summary.js';
import { StreamingServer } from './streaming-server.js';
import { makePki, makePod } from './testing/fixtures.js';

const meminfo = 'MemTotal:        4000000 kB\nMemFree:         1000000 kB\nMemAvailable:    3000000 kB\n';

function procDir(t: { after(f: () => void): void }, busyTicks: () => number): { dir: string; write(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-stats-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'meminfo'), meminfo);
  writeFileSync(join(dir, 'uptime'), '100.00 150.00\n');
  const write = () => writeFileSync(join(dir, 'stat'), `cpu  ${busyTicks()} 0 0 5000 7 0 0 0 0 0\ncpu0 1 2 3 4\n`);
  write();
  return { dir, write };
}

test('/proc parsing: busy CPU without idle and iowait, meminfo in bytes', () => {
  assert.equal(parseProcStatCpu('cpu  10 20 30 1000 50 6 4 0 99 0\n'), (10 + 20 + 30 + 6 + 4) * 10_000_000);
  assert.throws(() => parseProcStatCpu('intr 1\n'), /no cpu line/);
  assert.deepEqual(parseMeminfoBytes(meminfo), { total: 4000000 * 1024, free: 1000000 * 1024, available: 3000000 * 1024 });
  assert.equal(nanoCores({ atNs: 0, cpuNs: 0 }, { atNs: 2e9, cpuNs: 1e9 }), 5e8, 'half a core');
  assert.equal(nanoCores(undefined, { atNs: 1, cpuNs: 1 }), undefined);
  assert.equal(nanoCores({ atNs: 5, cpuNs: 9 }, { atNs: 6, cpuNs: 1 }), undefined, 'a counter that went back (a restarted container) has no rate');
});

test('the summary sums containers per pod and gives rates from consecutive samples', async (t) => {
  let ticks = 100;
  const proc = procDir(t, () => ticks);
  let cpuNs = 1e9;
  const labels = (pod: string, uid: string, c: string) => ({ 'io.kubernetes.pod.name': pod, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': c });
  const mk = (id: string, l: Record<string, string>, mem: number): ContainerStats => ({
    attributes: { id, metadata: { name: l['io.kubernetes.container.name'] ?? id, attempt: 0 }, labels: l, annotations: {} },
    cpu: { timestamp: Date.now() * 1e6, usageCoreNanoSeconds: cpuNs },
    memory: { timestamp: Date.now() * 1e6, workingSetBytes: mem, usageBytes: mem + 10 },
  });
  const runtime = {
    listContainers: async (): Promise<Container[]> => [
      { id: 'a', podSandboxId: 's', metadata: { name: 'app', attempt: 0 }, image: { image: 'i' }, imageRef: 'i', state: 'CONTAINER_RUNNING', createdAt: Date.parse('2026-01-02T03:04:05Z') * 1e6, labels: {}, annotations: {} },
    ],
    listContainerStats: async (): Promise<ContainerStats[]> => [
      mk('a', labels('web', 'u1', 'app'), 1000),
      mk('b', labels('web', 'u1', 'sidecar'), 500),
      mk('c', labels('db', 'u2', 'pg'), 7),
      mk('x', {}, 99),
    ],
  };
  const p = new StatsSummaryProvider({ runtime, nodeName: 'n1', procDir: proc.dir, firstSampleGapMs: 20 });
  const first = await p.summary();
  assert.equal(first.node.nodeName, 'n1');
  assert.equal(first.node.memory.workingSetBytes, 1000000 * 1024);
  assert.equal(first.node.memory.availableBytes, 3000000 * 1024);
  assert.equal(first.node.cpu.usageCoreNanoSeconds, 100 * 10_000_000);
  assert.equal(first.node.cpu.usageNanoCores, 0, 'no CPU used between the two samples');
  assert.deepEqual(first.pods.map((x) => x.podRef), [{ name: 'db', namespace: 'default', uid: 'u2' }, { name: 'web', namespace: 'default', uid: 'u1' }], 'a container without pod labels is left out');
  const web = first.pods[1];
  assert.deepEqual(web.containers.map((c) => c.name), ['app', 'sidecar']);
  assert.equal(web.memory.workingSetBytes, 1500);
  assert.equal(web.memory.usageBytes, 1520);
  assert.equal(web.cpu.usageCoreNanoSeconds, 2e9);
  assert.equal(web.containers[0].startTime, '2026-01-02T03:04:05Z');
  assert.match(first.node.cpu.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  ticks += 50; // half a second of one core's time...
  cpuNs += 1e8;
  proc.write();
  await new Promise((r) => setTimeout(r, 200));
  const second = await p.summary();
  assert.ok((second.node.cpu.usageNanoCores ?? 0) > 0, 'busy time since the last sample shows as a rate');
  assert.ok((second.pods[1].containers[0].cpu.usageNanoCores ?? 0) > 0);
});

test('GET /stats/summary and /metrics/resource on the streaming server, for the API server\'s certificate only', async (t) => {
  const pki = await makePki();
  const pod = await makePod();
  t.after(() => pod.cleanup());
  const proc = procDir(t, () => 1);
  const server = new StreamingServer({ locator: pod.locator, runtime: pod.runtime, cert: pki.node.certPem, key: pki.node.keyPem, ca: pki.ca.certPem, port: 0, host: '127.0.0.1', allowedCommonNames: ['kube-apiserver-kubelet-client'], stats: new StatsSummaryProvider({ runtime: pod.runtime, nodeName: 'n1', procDir: proc.dir, firstSampleGapMs: 1 }) });
  await server.start();
  t.after(() => server.stop());
  const get = (path: string, cert: { certPem: string; keyPem: string }) => new Promise<{ status: number; body: string; type?: string }>((resolve, reject) => {
    const req = request(`https://127.0.0.1:${server.port}${path}`, { ca: pki.ca.certPem, cert: cert.certPem, key: cert.keyPem }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
  const ok = await get('/stats/summary', pki.apiClient);
  assert.equal(ok.status, 200);
  assert.equal(ok.type, 'application/json');
  assert.equal(JSON.parse(ok.body).node.nodeName, 'n1');
  assert.equal((await get('/stats/summary', pki.other)).status, 403);
  const metrics = await get('/metrics/resource', pki.apiClient);
  assert.equal(metrics.status, 200);
  assert.match(metrics.type ?? '', /^text\/plain; version=0\.0\.4/);
  assert.match(metrics.body, /^node_memory_working_set_bytes \d+ \d+$/m);
  assert.equal((await get('/stats/other', pki.apiClient)).status, 404);
});
