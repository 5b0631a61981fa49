// Starts `k8ts server` in its own process for a benchmark, and stops it.

import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../test/e2e/harness.js';

const bin = resolve(new URL('.', import.meta.url).pathname, '../../../bin/k8ts');

/**
 * Under K8TS_BENCH_CPU_PROF, prints the monotonic clock (µs, the clock CPU profiles use)
 * at a phase boundary, so a profile of the server can be cut into the benchmark's phases.
 */
export function phase(name: string): void {
  if (process.env.K8TS_BENCH_CPU_PROF) console.error(`phase ${name} ${process.hrtime.bigint() / 1000n}`);
}

export interface BenchServer {
  kubeconfig: string;
  pid: number;
  /** Resident memory (bytes) and CPU time (seconds) of the server process so far. */
  usage(): { rss: number; cpuSeconds: number };
  stop(): Promise<void>;
}

export async function startServer(extraArgs: string[] = []): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const port = await freePort();
  // K8TS_BENCH_CPU_PROF=<dir> writes a CPU profile of the server process there when it stops.
  const prof = process.env.K8TS_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.K8TS_BENCH_CPU_PROF] : [];
  // K8TS_BENCH_NODE_OPTIONS adds flags for node itself (e.g. --trace-gc); K8TS_BENCH_SERVER_LOG=<file> keeps the server's output there.
  const nodeFlags = process.env.K8TS_BENCH_NODE_OPTIONS ? process.env.K8TS_BENCH_NODE_OPTIONS.split(' ').filter(Boolean) : [];
  const log = process.env.K8TS_BENCH_SERVER_LOG;
  const proc = spawn(process.execPath, [...prof, ...nodeFlags, bin, 'server', '--data-dir', dir, '--https-port', String(port), '--disable-agent', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready in')) ok();
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => fail(new Error(`server exited ${code}: ${out}`)));
  });
  proc.removeAllListeners('exit');
  proc.stdout!.removeAllListeners('data');
  proc.stderr!.removeAllListeners('data');
  const keep = (b: Buffer): void => { if (log) appendFileSync(log, b); };
  // Always read the pipes, so a chatty server never blocks on a full one.
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const pid = proc.pid!;
  const ticks = 100; // USER_HZ on Linux
  return {
    kubeconfig: join(dir, 'kubeconfig.yaml'),
    pid,
    usage() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return { rss, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / ticks };
    },
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
