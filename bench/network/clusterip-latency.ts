// Request latency through a ClusterIP beside the same request sent to a pod IP
// directly, in the same run: a real `k8ts server` with its node agent (real pods, the
// CNI bridge, the nftables service proxy), two identical busybox httpd pods, one of them
// behind a ClusterIP Service (see the manifest for why two), and `wrk` on the node
// alternating between the two addresses, then a small Node client loading both at once
// (interleaved.ts). busybox httpd closes every connection after one answer, so each
// request is a new connection and goes through the service's DNAT rules (established
// connections skip them): the per-request cost of the proxy is measured, not hidden by
// keep-alive.
//
// Owns the machine's node agent: run it under the shared lock, on a machine where no
// other agent runs:
//   flock /tmp/k8ts-agent.lock node dist/bench/network/clusterip-latency.js [seconds = 10] [rounds = 3] [connections = 4]

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestServer } from '../../test/e2e/harness.js';
import { importTestImage, uninstallNode } from '../../test/e2e/node-state.js';
import { runInterleaved, type TargetResult } from './interleaved.js';
import { parseWrk, type WrkResult } from './wrk.js';

const SECONDS = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = Number(process.argv[4] ?? 4);
const V = '1.33';
const image = 'k8ts.test/busybox:latest';
const run = promisify(execFile);

class BenchError extends Error {
  override name = 'BenchError';
}

// Two identical busybox httpd pods: one measured at its pod IP, the other behind the
// Service. Not one pod for both: the service's traffic from the node is masqueraded to
// the node's bridge address, the same source address as the direct traffic, and Linux
// gives each (source, destination) pair its own TCP timestamp offset, so direct and
// NATed connections reusing a port would meet the other's TIME_WAIT in the pod and lose
// SYNs to PAWS (1 s retransmits), a cost of the benchmark and not of the proxy.
// No readiness probe: on a loaded machine a probe that times out would take the only
// endpoint away mid-run and the ClusterIP would refuse connections (as it should), which
// is not the cost being measured. Both addresses are checked to answer before timing.
function pod(name: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", "mkdir -p /www; echo ok > /www/index.html; exec httpd -f -p 8080 -h /www"]
`;
}

const manifest = `${pod('bench-direct')}---
${pod('bench-svc')}---
apiVersion: v1
kind: Service
metadata:
  name: bench-svc
spec:
  selector:
    app: bench-svc
  ports:
  - port: 80
    targetPort: 8080
`;

async function eventually<T>(what: string, f: () => T | undefined, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new BenchError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function wrk(url: string): Promise<WrkResult> {
  const { stdout } = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url], { timeout: (SECONDS + 30) * 1000 });
  return parseWrk(stdout);
}

/** SIGTERM, and SIGKILL if the server has not exited after graceMs. */
async function stopServer(server: TestServer, graceMs = 20_000): Promise<void> {
  const pid = server.pid;
  const timer = setTimeout(() => {
    process.stderr.write(`k8ts server (pid ${pid}) still running ${graceMs} ms after SIGTERM: killed\n`);
    if (pid) process.kill(pid, 'SIGKILL');
  }, graceMs);
  try {
    await server.stop('SIGTERM');
  } finally {
    clearTimeout(timer);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmtNode = (r: TargetResult) => `p50 ${r.p50Ms.toFixed(3)} ms p99 ${r.p99Ms.toFixed(3)} ms ${r.requestsPerSecond.toFixed(0)} req/s${r.errors ? ` (errors: ${JSON.stringify(r.errorKinds)})` : ''}`;
const fmt = (r: WrkResult) => `p50 ${r.p50Ms.toFixed(3)} ms  p99 ${r.p99Ms.toFixed(3)} ms  ${r.requestsPerSecond.toFixed(0)} req/s${r.errors ? `  (${r.errors} socket errors)` : ''}`;

async function main(): Promise<void> {
  if (spawnSync('ip', ['link', 'show', 'k8ts0']).status === 0) throw new BenchError('another k8ts node agent runs on this machine (bridge k8ts0 exists); run this under flock /tmp/k8ts-agent.lock once it has gone');
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-clusterip-'));
  let server: TestServer | undefined;
  try {
    server = await TestServer.start({ dataDir, agent: true });
    const s = server;
    importTestImage(dataDir);
    await eventually('the node to be Ready', () => (/\bReady\b/.test(s.kubectl(V, ['get', 'nodes']).stdout) ? true : undefined));
    s.ok(V, ['apply', '-f', '-'], manifest);
    await eventually('a ready endpoint', () => {
      const ep = JSON.parse(s.ok(V, ['get', 'endpoints', 'bench-svc', '-o', 'json'])) as { subsets?: { addresses?: unknown[] }[] };
      return (ep.subsets?.[0]?.addresses?.length ?? 0) === 1 ? true : undefined;
    });
    const podIP = await eventually('bench-direct to run', () => s.ok(V, ['get', 'pod', 'bench-direct', '-o', 'jsonpath={.status.podIP}']).trim() || undefined);
    const clusterIP = s.ok(V, ['get', 'service', 'bench-svc', '-o', 'jsonpath={.spec.clusterIP}']).trim();
    const direct = `http://${podIP}:8080/`;
    const viaService = `http://${clusterIP}/`;
    // Both answer before anything is timed (the proxy may still be writing its rules).
    const answers = (url: string) => (/Requests\/sec:\s+[1-9]/.test(spawnSync('wrk', ['-t1', '-c1', '-d1s', url], { encoding: 'utf8' }).stdout) ? true : undefined);
    await eventually('the pod IP to answer', () => answers(direct));
    await eventually('the ClusterIP to answer', () => answers(viaService));
    await wrk(direct);
    await wrk(viaService);
    const pod: WrkResult[] = [];
    const svc: WrkResult[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so a drift in the machine's load favours neither.
      for (const which of r % 2 === 0 ? ['pod', 'svc'] : ['svc', 'pod']) {
        const res = await wrk(which === 'pod' ? direct : viaService);
        (which === 'pod' ? pod : svc).push(res);
        console.log(`round ${r + 1} ${which === 'pod' ? `pod IP     ${direct.padEnd(24)}` : `cluster IP ${viaService.padEnd(24)}`} ${fmt(res)}`);
      }
    }
    // The same comparison with both addresses loaded at once (half the connections each),
    // timed from before the connect: a drift in the machine's load hits both alike.
    const both: { pod: TargetResult; svc: TargetResult }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const res = await runInterleaved([{ name: 'pod', url: direct }, { name: 'svc', url: viaService }], Math.max(1, CONNECTIONS / 2), SECONDS * 1000);
      both.push({ pod: res.get('pod')!, svc: res.get('svc')! });
      console.log(`round ${r + 1} side by side: pod IP ${fmtNode(res.get('pod')!)} | cluster IP ${fmtNode(res.get('svc')!)}`);
    }
    const m = (xs: WrkResult[], k: keyof WrkResult) => median(xs.map((x) => x[k]));
    const n = (which: 'pod' | 'svc', k: 'p50Ms' | 'p99Ms' | 'requestsPerSecond') => median(both.map((b) => b[which][k]));
    console.log(`\nwrk -t1 -c${CONNECTIONS} -d${SECONDS}s to a busybox httpd pod at its IP or behind the ClusterIP (a new connection per request), median of ${ROUNDS} rounds:`);
    console.log(`  pod IP      p50 ${m(pod, 'p50Ms').toFixed(3)} ms  p99 ${m(pod, 'p99Ms').toFixed(3)} ms  ${m(pod, 'requestsPerSecond').toFixed(0)} req/s`);
    console.log(`  cluster IP  p50 ${m(svc, 'p50Ms').toFixed(3)} ms  p99 ${m(svc, 'p99Ms').toFixed(3)} ms  ${m(svc, 'requestsPerSecond').toFixed(0)} req/s`);
    console.log(`  ratio (cluster IP / pod IP): p50 latency ${(m(svc, 'p50Ms') / m(pod, 'p50Ms')).toFixed(3)}, p99 ${(m(svc, 'p99Ms') / m(pod, 'p99Ms')).toFixed(3)}, req/s ${(m(pod, 'requestsPerSecond') / m(svc, 'requestsPerSecond')).toFixed(3)} (pod / cluster; goal < 1.1)`);
    console.log(`\nNode client, both at once (${Math.max(1, CONNECTIONS / 2)} loops each, connect included), median of ${ROUNDS} rounds:`);
    console.log(`  pod IP      p50 ${n('pod', 'p50Ms').toFixed(3)} ms  p99 ${n('pod', 'p99Ms').toFixed(3)} ms  ${n('pod', 'requestsPerSecond').toFixed(0)} req/s`);
    console.log(`  cluster IP  p50 ${n('svc', 'p50Ms').toFixed(3)} ms  p99 ${n('svc', 'p99Ms').toFixed(3)} ms  ${n('svc', 'requestsPerSecond').toFixed(0)} req/s`);
    console.log(`  ratio (cluster IP / pod IP): p50 latency ${(n('svc', 'p50Ms') / n('pod', 'p50Ms')).toFixed(3)}, p99 ${(n('svc', 'p99Ms') / n('pod', 'p99Ms')).toFixed(3)}, req/s ${(n('pod', 'requestsPerSecond') / n('svc', 'requestsPerSecond')).toFixed(3)} (goal < 1.1)`);
  } finally {
    if (server) {
      // Pods first, while the agent still runs to stop their containers.
      server.kubectl(V, ['delete', 'service', 'bench-svc', '--ignore-not-found']);
      server.kubectl(V, ['delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s']);
      await stopServer(server);
    }
    uninstallNode(dataDir);
  }
}

await main();
