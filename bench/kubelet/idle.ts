// The node agent's cost with a full node: resident memory and idle CPU of the `k8ts
// agent` process (the server runs with --disable-agent) with 110 pods running (`sleep
// 3600`, the default maxPods of a node), beside the same agent with no pods in the same
// run. CPU is the process's own plus that of the short-lived commands it ran (reaped
// children), over a quiet window after every pod has run for a while. The pods' conmon
// monitors are shown apart: they belong to the containers, not to the agent.
//
//   flock /tmp/k8ts-agent.lock node dist/bench/kubelet/idle.js [pods=110] [seconds=60] [--cpu-prof DIR]

import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { k8tsBin } from '../../test/e2e/harness.js';
import { call } from '../apiserver/client.js';
import { buildTestImage, sleepPod, startNodeServer, usageOf, type NodeServer } from './node-server.js';

const args = process.argv.slice(2);
const profAt = args.indexOf('--cpu-prof');
const cpuProfDir = profAt >= 0 ? args.splice(profAt, 2)[1] : undefined;
const N = Number(args[0] ?? 110);
const seconds = Number(args[1] ?? 60);
const settleMs = 15_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1048576;

interface Window { rssMB: number; cpuPercent: number; serverRssMB: number; serverCpuPercent: number }

/** Usage of the agent (and the server) over `secs` seconds of nothing to do. */
async function quiet(s: NodeServer, secs: number): Promise<Window> {
  const a0 = usageOf(s.agentPid);
  const s0 = usageOf(s.pid);
  await sleep(secs * 1000);
  const a1 = usageOf(s.agentPid);
  const s1 = usageOf(s.pid);
  const pct = (x0: typeof a0, x1: typeof a1) => ((x1.cpuSeconds + x1.childCpuSeconds - x0.cpuSeconds - x0.childCpuSeconds) / secs) * 100;
  return { rssMB: a1.rss / MB, cpuPercent: pct(a0, a1), serverRssMB: s1.rss / MB, serverCpuPercent: pct(s0, s1) };
}

async function runningPods(s: NodeServer, sel: string): Promise<number> {
  const r = await call(s.creds, s.http, 'GET', `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(sel)}`);
  const items = (JSON.parse(r.body) as { items: { status?: { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] } }[] }).items;
  return items.filter((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.every((c) => c.state?.running)).length;
}

/** Resident memory of the conmon processes watching containers under the agent's data directory. */
function conmonRss(dataDir: string): { count: number; mb: number } {
  let count = 0;
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('/usr/bin/conmon') || !cmd.includes(dataDir)) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      count++;
    } catch { /* gone meanwhile */ }
  }
  return { count, mb: kb / 1024 };
}

const standalone = spawnSync(process.execPath, [k8tsBin, 'agent', '--help'], { stdio: 'ignore' }).status === 0;
const fmt = (w: Window) => `agent resident ${w.rssMB.toFixed(0)} MB, CPU ${w.cpuPercent.toFixed(2)}% of one core (server: ${w.serverRssMB.toFixed(0)} MB, ${w.serverCpuPercent.toFixed(2)}%)`;
const image = buildTestImage();
try {
  const s = await startNodeServer({ imageArchive: image.archive, standaloneAgent: standalone, cpuProfDir });
  const sel = `bench=idle-${process.pid}`;
  try {
    if (!standalone) process.stdout.write('k8ts agent is not available: measuring the whole `k8ts server` process with its in-process agent\n');
    await sleep(settleMs);
    const empty = await quiet(s, Math.min(seconds, 30));
    const t0 = performance.now();
    // Twenty requests at a time: the point here is the node once full, not how it fills.
    for (let i = 0; i < N; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, N - i) }, async (_, j) => {
        const r = await call(s.creds, s.http, 'POST', '/api/v1/namespaces/default/pods', sleepPod(`idle-${i + j}`, { bench: `idle-${process.pid}` }));
        if (r.status !== 201) throw new Error(`create idle-${i + j}: ${r.status} ${r.body}`);
      }));
    }
    let running = 0;
    for (const deadline = Date.now() + 300_000; (running = await runningPods(s, sel)) < N && Date.now() < deadline;) await sleep(1000);
    if (running < N) throw new Error(`only ${running}/${N} pods running after 300 s`);
    const filled = performance.now() - t0;
    await sleep(settleMs);
    const full = await quiet(s, seconds);
    const conmon = conmonRss(s.dataDir);
    const still = await runningPods(s, sel);
    process.stdout.write(`${standalone ? 'k8ts agent' : 'k8ts server (agent in process)'}, idle ${Math.min(seconds, 30)} s with no pods: ${fmt(empty)}\n`);
    process.stdout.write(`${N} pods running (all ${N} up ${(filled / 1000).toFixed(1)} s after the first request; ${still} still running at the end), idle ${seconds} s: ${fmt(full)}\n`);
    process.stdout.write(`  per pod: ${((full.rssMB - empty.rssMB) * 1024 / N).toFixed(0)} KiB of agent memory; conmon: ${conmon.count} processes, ${conmon.mb.toFixed(0)} MB resident in all\n`);
    process.stdout.write(`ratio ${N} pods / no pods: memory ${(full.rssMB / empty.rssMB).toFixed(2)}x, CPU ${(full.cpuPercent / Math.max(empty.cpuPercent, 0.01)).toFixed(2)}x\n`);
    process.stdout.write(`goal agent < 100 MB and < 2% of a core: ${full.rssMB < 100 && full.cpuPercent < 2 ? 'met' : 'missed'}\n`);
  } finally {
    await s.deletePods('default', sel, 300_000).catch((e: Error) => process.stderr.write(`deleting pods: ${e.message}\n`));
    await s.stop();
  }
} finally {
  image.remove();
}
