// DNS queries per second answered for service names: k8ts's ClusterDns (its own
// process, informers on a real `k8ts server` holding N Services created through the API)
// beside dnsmasq serving the same names and addresses from a hosts file, in the same
// run, driven by the same UDP load generator (load.ts) with a fixed number of queries
// in flight. Rounds alternate between the two; medians are reported, with each
// server's CPU time per answer (the load generator shares this 2-core machine, so
// the rate alone can hide which server does more work per query).
//
//   node dist/bench/dns/qps.js [services = 1000] [seconds = 10] [rounds = 3] [--in-flight=256] [--profile-dir=DIR]

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RestClient } from '../../src/client/rest-client.js';
import { queryUdp } from '../../src/network/dns/transport.js';
import { CLASS_IN, decodeMessage, emptyMessage, encodeMessage, RecordType } from '../../src/network/dns/wire.js';
import { freePort } from '../../test/e2e/harness.js';
import { startServer } from '../apiserver/server-process.js';
import { runLoad, type LoadResult } from './load.js';
import { BenchSetupError, startChild, stopChild, stopServer } from './processes.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const SERVICES = Number(args[0] ?? 1000);
const SECONDS = Number(args[1] ?? 10);
const ROUNDS = Number(args[2] ?? 3);
const inFlightFlag = process.argv.find((a) => a.startsWith('--in-flight='));
const IN_FLIGHT = inFlightFlag ? Number(inFlightFlag.split('=')[1]) : 256;
/** --profile-dir=DIR: a V8 CPU profile of the ClusterDns process is written there. */
const profileFlag = process.argv.find((a) => a.startsWith('--profile-dir='));
const profile = profileFlag ? ['--cpu-prof', `--cpu-prof-dir=${profileFlag.split('=')[1]}`] : [];
const here = new URL('.', import.meta.url).pathname;

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function aQuery(name: string): Buffer {
  const q = emptyMessage(0);
  q.rd = true;
  q.questions.push({ name, type: RecordType.A, class: CLASS_IN });
  return encodeMessage(q);
}

async function createServices(client: RestClient): Promise<Map<string, string>> {
  const ips = new Map<string, string>();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < SERVICES) {
      const i = next++;
      const svc = await client.create<{ metadata: { name?: string }; spec?: { clusterIP?: string } }>('/api/v1/namespaces/default/services', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `svc-${i}` },
        spec: { selector: { app: `app-${i}` }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
      });
      ips.set(`svc-${i}.default.svc.cluster.local`, svc.spec?.clusterIP ?? '');
    }
  }));
  return ips;
}

/** Waits for the EndpointSlice controller to have written a slice per Service: timed rounds see a quiet zone. */
async function slicesWritten(client: RestClient): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const list = await client.list('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices');
    if (list.items.length >= SERVICES) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  process.stderr.write('warning: EndpointSlices still being written; timing anyway\n');
}

/** Both servers must give the API's answer for a sample of names before they are timed. */
async function check(what: string, port: number, ips: Map<string, string>): Promise<void> {
  const names = [...ips.keys()];
  for (const name of [names[0]!, names[Math.floor(names.length / 2)]!, names[names.length - 1]!]) {
    const m = decodeMessage(await queryUdp({ address: '127.0.0.1', port }, aQuery(name), 2000));
    const got = m.answers.map((a) => (a.data.kind === 'A' ? a.data.address : '?')).join(',');
    if (got !== ips.get(name)) throw new BenchSetupError(`${what} answered ${name} with "${got}", not ${ips.get(name)}`);
  }
}

interface Sample extends LoadResult {
  usPerAnswer: number;
}

async function measure(port: number, pid: number, queries: Buffer[]): Promise<Sample> {
  const c0 = cpuSeconds(pid);
  const r = await runLoad({ address: '127.0.0.1', port, queries, inFlight: IN_FLIGHT, durationMs: SECONDS * 1000 });
  const cpu = cpuSeconds(pid) - c0;
  return { ...r, usPerAnswer: r.answered ? (cpu * 1e6) / r.answered : NaN };
}

function line(label: string, s: Sample): string {
  return `${label.padEnd(8)} ${s.qps.toFixed(0).padStart(7)} qps  p50 ${s.p50Ms.toFixed(2)} ms  p99 ${s.p99Ms.toFixed(2)} ms  ${s.usPerAnswer.toFixed(1)} us CPU/answer  (failed ${s.failed}, lost ${s.lost})`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-dns-'));
  const server = await startServer();
  const client = RestClient.fromKubeconfig(server.kubeconfig, { userAgent: 'bench-dns' });
  let k8ts: ChildProcess | undefined;
  let dnsmasq: ChildProcess | undefined;
  try {
    const ips = await createServices(client);
    await slicesWritten(client);
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, [...ips].map(([name, ip]) => `${ip} ${name}\n`).join(''));
    const k8tsPort = await freePort();
    const started = await startChild(process.execPath, [...profile, resolve(here, 'cluster-dns-process.js'), server.kubeconfig, '127.0.0.1', String(k8tsPort)], /ready (\d+)/);
    k8ts = started.proc;
    const maskPort = await freePort();
    dnsmasq = (await startChild('dnsmasq', ['--no-daemon', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`, `--port=${maskPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--log-facility=-'], /started, version/)).proc;
    await check('k8ts', k8tsPort, ips);
    await check('dnsmasq', maskPort, ips);
    const queries = [...ips.keys()].map(aQuery);
    // A short warm-up of each (JIT, caches), not counted.
    await runLoad({ address: '127.0.0.1', port: k8tsPort, queries, inFlight: IN_FLIGHT, durationMs: 2000 });
    await runLoad({ address: '127.0.0.1', port: maskPort, queries, inFlight: IN_FLIGHT, durationMs: 2000 });
    const ours: Sample[] = [];
    const theirs: Sample[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order, so neither always runs first after a pause.
      const order = r % 2 === 0 ? ['k8ts', 'dnsmasq'] : ['dnsmasq', 'k8ts'];
      for (const who of order) {
        const s = who === 'k8ts' ? await measure(k8tsPort, k8ts.pid!, queries) : await measure(maskPort, dnsmasq.pid!, queries);
        (who === 'k8ts' ? ours : theirs).push(s);
        console.log(`round ${r + 1} ${line(who, s)}`);
      }
    }
    const mk = median(ours.map((s) => s.qps));
    const md = median(theirs.map((s) => s.qps));
    console.log(`\nDNS A queries for ${SERVICES} service names, ${IN_FLIGHT} in flight, ${SECONDS} s x ${ROUNDS} rounds (medians):`);
    console.log(`  k8ts ClusterDns  ${mk.toFixed(0)} qps, p99 ${median(ours.map((s) => s.p99Ms)).toFixed(2)} ms, ${median(ours.map((s) => s.usPerAnswer)).toFixed(1)} us CPU/answer`);
    console.log(`  dnsmasq          ${md.toFixed(0)} qps, p99 ${median(theirs.map((s) => s.p99Ms)).toFixed(2)} ms, ${median(theirs.map((s) => s.usPerAnswer)).toFixed(1)} us CPU/answer`);
    console.log(`  ratio            ${(mk / md).toFixed(2)} (goal >= 1)`);
  } finally {
    await stopChild(dnsmasq);
    await stopChild(k8ts);
    client.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
