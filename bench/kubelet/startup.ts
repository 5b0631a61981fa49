// Pod startup latency as Kubernetes' SLI defines it: from a pod's creation to all its
// containers started, observed through a watch, image present. N pods (default 100) are
// created at once on the one node of a `k8ts server` with its real agent (scheduler,
// kubelet, CNI bridge, conmon + crun); beside it, in the same run, `podman run -d` of
// the same busybox image, N at once, each timed from issuing to podman reporting it
// running (podman run -d returns once the container runs).
//
// creationTimestamp has only second precision, so each pod's clock starts when the client
// issues its create request; it stops when the watch delivers the pod with every
// container running. The kubelet's own `state.running.startedAt` (second precision too)
// is shown beside it.
//
//   flock /tmp/k8ts-agent.lock node dist/bench/kubelet/startup.js [pods=100] [--cpu-prof DIR]

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { call, openWatch } from '../apiserver/client.js';
import { benchImage, buildTestImage, percentile, sleepPod, startNodeServer, type NodeServer } from './node-server.js';

const args = process.argv.slice(2);
const profAt = args.indexOf('--cpu-prof');
const cpuProfDir = profAt >= 0 ? args.splice(profAt, 2)[1] : undefined;
const N = Number(args[0] ?? 100);
const now = () => performance.now();
const epochOf = (t: number) => performance.timeOrigin + t;

interface ContainerStatusLite { state?: { running?: { startedAt?: string } }; started?: boolean }
interface PodLite { metadata: { name: string }; status?: { phase?: string; containerStatuses?: ContainerStatusLite[] } }

function allStarted(p: PodLite): boolean {
  const cs = p.status?.containerStatuses ?? [];
  return p.status?.phase === 'Running' && cs.length > 0 && cs.every((c) => c.state?.running && c.started !== false);
}

interface Figures { latencies: number[]; total: number; cpuMsPerPod: number; extra?: string; roles?: string }

/**
 * CPU time the whole machine spent (every process and the kernel, this benchmark's
 * client among them, in ms) since boot,
 * from /proc/stat: a burst's difference divided by its pods is what each pod cost,
 * and N times that over the cores is the shortest the burst could possibly take.
 */
function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return ((user + nice + system + irq + softirq + steal) * 1000) / USER_HZ;
}
/**
 * CPU (ms, own + reaped children) of the processes a k8ts burst runs on, by role: the
 * server process (API server, controllers, scheduler, agent), the agent's perl helpers (own;
 * reaped children: the CNI plugins, the sandbox forks) and this benchmark's client. A
 * burst's difference of two readings says where its CPU went; the machine's total less
 * these is conmon, crun (each too short-lived for /proc's 10 ms ticks to show apart)
 * and the kernel's own work.
 */
function cpuByRole(serverPid: number, agentPid: number): Map<string, number> {
  const out = new Map<string, number>();
  const add = (role: string, ms: number) => out.set(role, (out.get(role) ?? 0) + ms);
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number)) {
    let stat: string;
    try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { continue; }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(f[1]);
    const own = ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
    const reaped = ((Number(f[13]) + Number(f[14])) * 1000) / USER_HZ;
    if (pid === serverPid) add(agentPid === serverPid ? 'server process (with its agent)' : 'server process', own);
    else if (pid === agentPid) add('agent process', own);
    else if (pid === process.pid) add('benchmark client', own);
    else if (ppid === agentPid && comm === 'perl') { add('perl helpers', own); add("helpers' children (CNI plugins, sandbox forks)", reaped); }
  }
  return out;
}
const USER_HZ = 100; // /proc/stat's unit on Linux, whatever the kernel's own HZ
const CORES = availableParallelism();

async function k8ts(s: NodeServer): Promise<Figures> {
  const ns = 'default';
  const sel = `bench=startup-${process.pid}`;
  const list = await call(s.creds, s.http, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(sel)}`);
  const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const issued = new Map<string, number>();
  const seen = new Map<string, number>();
  const startedAt = new Map<string, number>();
  let allSeen: () => void = () => {};
  const done = new Promise<void>((r) => { allSeen = r; });
  const close = await openWatch(s.creds, s.http, `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${rv}&labelSelector=${encodeURIComponent(sel)}`, (line) => {
    const t = now();
    const ev = JSON.parse(line) as { type: string; object: PodLite };
    const p = ev.object;
    if (ev.type === 'ERROR' || seen.has(p.metadata.name) || !allStarted(p)) return;
    seen.set(p.metadata.name, t);
    const st = Math.max(...p.status!.containerStatuses!.map((c) => Date.parse(c.state!.running!.startedAt ?? '')));
    startedAt.set(p.metadata.name, st);
    if (seen.size === N) allSeen();
  });
  try {
    const roles0 = cpuByRole(s.pid, s.agentPid);
    const cpu0 = machineBusyMs();
    const t0 = now();
    const timeout = setTimeout(() => allSeen(), 120_000);
    await Promise.all(Array.from({ length: N }, async (_, i) => {
      const name = `startup-${i}`;
      issued.set(name, now());
      const r = await call(s.creds, s.http, 'POST', `/api/v1/namespaces/${ns}/pods`, sleepPod(name, { bench: `startup-${process.pid}` }));
      if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.body}`);
    }));
    await done;
    clearTimeout(timeout);
    const total = now() - t0;
    const cpuMsPerPod = (machineBusyMs() - cpu0) / N;
    const roles1 = cpuByRole(s.pid, s.agentPid);
    const perPod = [...roles1].map(([role, ms]) => [role, (ms - (roles0.get(role) ?? 0)) / N] as const);
    const rest = cpuMsPerPod - perPod.reduce((n, [, ms]) => n + ms, 0);
    const roles = [...perPod, ['the rest (conmon, crun, the kernel)', rest] as const].map(([role, ms]) => `${role} ${ms.toFixed(1)}`).join(', ');
    if (seen.size < N) throw new Error(`only ${seen.size}/${N} pods started within 120 s`);
    const latencies = [...seen].map(([name, t]) => t - issued.get(name)!);
    // startedAt is whole seconds: compare it with the request time truncated alike, for a rough second figure.
    const coarse = [...startedAt].map(([name, st]) => st - Math.floor(epochOf(issued.get(name)!) / 1000) * 1000).sort((a, b) => a - b);
    return { latencies, total, cpuMsPerPod, roles: `CPU ms per pod by role: ${roles}`, extra: `startedAt (1 s precision) - create second: p50 ${percentile(coarse, 50)} ms, p99 ${percentile(coarse, 99)} ms` };
  } catch (e) {
    process.stderr.write(`k8ts: ${(e as Error).message}\n`);
    throw e;
  } finally {
    close();
    await s.deletePods(ns, sel, 300_000);
  }
}

const podmanArgs = ['run', '-d', '--runtime', 'runc', '--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

function run(cmd: string, argv: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    p.on('error', (e) => resolve({ code: -1, out: e.message }));
    p.on('close', (code) => resolve({ code, out }));
  });
}

async function podman(archive: string): Promise<Figures | string> {
  if (spawnSync('sh', ['-c', 'command -v podman'], { stdio: 'ignore' }).status !== 0) return 'podman is not installed';
  const hadImage = spawnSync('podman', ['image', 'exists', benchImage]).status === 0;
  if (!hadImage && spawnSync('podman', ['load', '-i', archive], { stdio: 'ignore' }).status !== 0) return 'podman load of the test image failed';
  const names = Array.from({ length: N }, (_, i) => `k8ts-bench-${process.pid}-${i}`);
  try {
    const cpu0 = machineBusyMs();
    const t0 = now();
    const latencies = await Promise.all(names.map(async (name) => {
      const t = now();
      const r = await run('podman', [...podmanArgs, '--name', name, benchImage, 'sleep', '3600']);
      if (r.code !== 0) throw new Error(`podman run ${name}: ${r.code} ${r.out}`);
      return now() - t;
    }));
    const total = now() - t0;
    const cpuMsPerPod = (machineBusyMs() - cpu0) / N;
    const ps = spawnSync('podman', ['ps', '-q', '--filter', `name=k8ts-bench-${process.pid}-`, '--filter', 'status=running'], { encoding: 'utf8' });
    const running = ps.stdout.split('\n').filter((l) => l.trim()).length;
    if (running !== N) throw new Error(`podman: ${running}/${N} containers running after podman run -d`);
    return { latencies, total, cpuMsPerPod };
  } finally {
    spawnSync('podman', ['rm', '-f', '-t', '0', ...names], { stdio: 'ignore' });
    if (!hadImage) spawnSync('podman', ['rmi', benchImage], { stdio: 'ignore' });
  }
}

function describe(f: Figures): { p50: number; p99: number; text: string } {
  const s = [...f.latencies].sort((a, b) => a - b);
  const p50 = percentile(s, 50);
  const p99 = percentile(s, 99);
  const floor = (f.cpuMsPerPod * N) / CORES;
  return {
    p50, p99,
    text: `p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms; all ${N} running ${f.total.toFixed(0)} ms after the first request\n` +
      `  machine CPU ${f.cpuMsPerPod.toFixed(1)} ms per pod (all processes and the kernel): ${N} pods need at least ${floor.toFixed(0)} ms on ${CORES} cores`,
  };
}

const image = buildTestImage();
try {
  const server = await startNodeServer({ imageArchive: image.archive, cpuProfDir });
  let k: Figures;
  try {
    k = await k8ts(server);
  } finally {
    await server.stop();
  }
  const kd = describe(k);
  process.stdout.write(`k8ts pod startup (create request -> watch sees all containers started), ${N} pods at once: ${kd.text}\n`);
  if (k.roles) process.stdout.write(`  ${k.roles}\n`);
  if (k.extra) process.stdout.write(`  ${k.extra}\n`);
  const p = await podman(image.archive);
  if (typeof p === 'string') process.stdout.write(`podman run -d: ${p}\n`);
  else {
    const pd = describe(p);
    process.stdout.write(`podman run -d --runtime runc, ${N} at once (issue -> podman reports running): ${pd.text}\n`);
    process.stdout.write(`ratio k8ts/podman: p50 ${(kd.p50 / pd.p50).toFixed(2)}x, p99 ${(kd.p99 / pd.p99).toFixed(2)}x\n`);
  }
  process.stdout.write(`goal p99 < 1000 ms: ${kd.p99 < 1000 ? 'met' : 'missed'}\n`);
} finally {
  image.remove();
}
