// A `k8ts server` with its real node agent for the kubelet benchmarks: the busybox test
// image imported into the node's runtime, the node Ready, and afterwards everything the
// agent set up on this machine removed (pods first, then the process, the bridge, the
// nftables tables, the DNS link, the kubepods cgroups and the data directory's mounts).
// The machine has one node agent at a time: run under `flock /tmp/k8ts-agent.lock`.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, k8tsBin, repoRoot } from '../../test/e2e/harness.js';
import { agent as agentFor, call, credentialsFrom, type Credentials } from '../apiserver/client.js';
import type { Agent } from 'node:https';

export const benchImage = 'k8ts.test/busybox:latest';

export class AgentBusyError extends Error {
  constructor() {
    super('another k8ts node agent runs on this machine (bridge k8ts0 exists); run under flock /tmp/k8ts-agent.lock once it is gone');
    this.name = 'AgentBusyError';
  }
}

export interface ProcessUsage {
  /** Resident set, bytes. */
  rss: number;
  /** User + system CPU of the process itself, seconds. */
  cpuSeconds: number;
  /** CPU of its reaped children (crun, nft, CNI plugins it ran), seconds. */
  childCpuSeconds: number;
}

export function usageOf(pid: number): ProcessUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // USER_HZ on Linux
  return { rss, cpuSeconds: (Number(f[11]) + Number(f[12])) / ticks, childCpuSeconds: (Number(f[13]) + Number(f[14])) / ticks };
}

/** Builds the test image's OCI archive (scripts/test-image/build.sh) into a temporary directory. */
export function buildTestImage(): { archive: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-image-'));
  execFileSync('bash', [join(repoRoot, 'scripts/test-image/build.sh'), dir], { stdio: 'ignore' });
  return { archive: join(dir, 'busybox-oci.tar'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface NodeServer {
  creds: Credentials;
  http: Agent;
  dataDir: string;
  /** The `k8ts server` process. */
  pid: number;
  /** The process running the node agent: the server's own, or a `k8ts agent`. */
  agentPid: number;
  nodeName: string;
  /** The tail of the server's output, for error reports. */
  output(): string;
  /** Deletes the pods matching the selector in the namespace and waits until the API has none left. */
  deletePods(namespace: string, labelSelector: string, timeoutMs?: number): Promise<void>;
  /** Stops the process and removes what its agent left on the machine. Pods must be gone first. */
  stop(): Promise<void>;
}

export interface NodeServerOptions {
  /** Extra `k8ts server` flags. */
  args?: string[];
  /** Under `node --cpu-prof`, profiles written to this directory when the process exits. */
  cpuProfDir?: string;
  /** The test image's OCI archive to import into the node's runtime. */
  imageArchive: string;
  /**
   * Runs the node agent as its own `k8ts agent --server URL --token-file F` process (the
   * server with --disable-agent), so its cost can be measured apart; default: the
   * server's in-process agent.
   */
  standaloneAgent?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startNodeServer(o: NodeServerOptions): Promise<NodeServer> {
  if (spawnSync('ip', ['link', 'show', 'k8ts0'], { stdio: 'ignore' }).status === 0) throw new AgentBusyError();
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-node-'));
  const port = await freePort();
  const server = launch(o, ['server', '--data-dir', dataDir, '--https-port', String(port), ...(o.standaloneAgent ? ['--disable-agent'] : []), ...(o.args ?? [])], /ready in \d+ ms/);
  let agent: Launched | undefined;
  const agentDir = join(dataDir, 'node');
  const stop = async () => {
    // The agent first: pods live on under conmon once it is gone, so they must be deleted before.
    if (agent) await agent.stop();
    await server.stop();
    cleanMachine(dataDir);
  };
  try {
    await server.ready;
    const creds = credentialsFrom(join(dataDir, 'kubeconfig.yaml'));
    let runtimeRoot = join(dataDir, 'runtime');
    if (o.standaloneAgent) {
      agent = launch(o, ['agent', '--server', creds.server, '--token-file', join(dataDir, 'token'), '--data-dir', agentDir], /node agent ready/);
      await agent.ready;
      runtimeRoot = join(agentDir, 'runtime');
    }
    execFileSync(process.execPath, [k8tsBin, 'ctr', '--root', runtimeRoot, 'image', 'import', o.imageArchive], { stdio: 'ignore' });
    const http = agentFor(creds, 32);
    const output = () => server.output() + (agent ? `\n--- agent:\n${agent.output()}` : '');
    const nodeName = await readyNode(creds, http, output);
    return {
      creds, http, dataDir, nodeName, output, pid: server.proc.pid!, agentPid: (agent ?? server).proc.pid!, stop,
      deletePods: (ns, sel, t) => deletePods(creds, http, ns, sel, t),
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

interface Launched {
  proc: ChildProcess;
  ready: Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a `k8ts` command and resolves `ready` when its output matches. */
function launch(o: NodeServerOptions, args: string[], readyLine: RegExp): Launched {
  const node = o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [];
  const proc = spawn(process.execPath, [...node, k8tsBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // BENCH_SERVER_LOG=FILE keeps the whole output, for looking into a slow run.
  const logFile = process.env.BENCH_SERVER_LOG;
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
    if (logFile) appendFileSync(logFile, b);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const ready = new Promise<void>((ok, fail) => {
    const timer = setInterval(() => { if (readyLine.test(out)) { clearInterval(timer); proc.removeAllListeners('exit'); ok(); } }, 50);
    proc.once('exit', (code) => { clearInterval(timer); fail(new Error(`k8ts ${args[0]} exited with ${code}:\n${out}`)); });
  });
  return {
    proc, ready, output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const late = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(late);
    },
  };
}

async function readyNode(c: Credentials, a: Agent, out: () => string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await call(c, a, 'GET', '/api/v1/nodes');
    if (r.status === 200) {
      const nodes = (JSON.parse(r.body) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }).items;
      const ready = nodes.find((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
      if (ready) return ready.metadata.name;
    }
    if (Date.now() > deadline) throw new Error(`the node did not become Ready:\n${out()}`);
    await sleep(200);
  }
}

async function deletePods(c: Credentials, a: Agent, ns: string, sel: string, timeoutMs = 120_000): Promise<void> {
  const q = `labelSelector=${encodeURIComponent(sel)}`;
  const r = await call(c, a, 'DELETE', `/api/v1/namespaces/${ns}/pods?${q}`);
  if (r.status >= 300) throw new Error(`deleting pods: ${r.status} ${r.body}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const l = await call(c, a, 'GET', `/api/v1/namespaces/${ns}/pods?${q}`);
    if (l.status === 200 && (JSON.parse(l.body) as { items: unknown[] }).items.length === 0) return;
    if (Date.now() > deadline) throw new Error(`pods matching ${sel} still there after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** What a node agent leaves on the machine, as test/e2e/agent.test.ts removes it. */
export function cleanMachine(dataDir: string): void {
  // Containers outlive their agent: any a failed run left behind are removed through the runtime.
  for (const root of [join(dataDir, 'runtime'), join(dataDir, 'node', 'runtime')]) {
    const ids = spawnSync(process.execPath, [k8tsBin, 'ctr', '--root', root, 'ps', '-a', '-q'], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
    if (ids.length) spawnSync(process.execPath, [k8tsBin, 'ctr', '--root', root, 'rm', '-f', ...ids], { stdio: 'ignore' });
  }
  spawnSync('ip', ['link', 'del', 'k8ts0'], { stdio: 'ignore' });
  spawnSync('nft', ['delete', 'table', 'ip', 'k8ts-podnet'], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', 'k8ts-dns'], { stdio: 'ignore' });
  spawnSync('nft', ['delete', 'table', 'ip', 'k8ts-proxy'], { stdio: 'ignore' });
  for (const c of ['cpu', 'cpuacct', 'memory', 'pids', 'cpuset', 'blkio', 'freezer', 'devices']) {
    spawnSync('find', [`/sys/fs/cgroup/${c}/kubepods`, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', ';'], { stdio: 'ignore' });
  }
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m && m.startsWith(dataDir)).sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  rmSync(dataDir, { recursive: true, force: true });
}

/** A pod of the test image running `sleep 3600`, its image already on the node. */
export function sleepPod(name: string, labels: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'sleep', image: benchImage, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
    },
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
