// Child processes of a benchmark: started and waited for until a line says they are
// ready, and stopped by PID, with SIGKILL after a grace period so that a process that
// does not exit on SIGTERM cannot hang the benchmark.

import { spawn, type ChildProcess } from 'node:child_process';
import type { BenchServer } from '../apiserver/server-process.js';

export class BenchSetupError extends Error {
  override name = 'BenchSetupError';
}

/** Starts a child and resolves when its output matches `ready`; rejects if it exits first. */
export function startChild(cmd: string, argv: string[], ready: RegExp, timeoutMs = 60_000): Promise<{ proc: ChildProcess; match: RegExpExecArray }> {
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      fail(new BenchSetupError(`${cmd} not ready in ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      // From here on only warnings are of interest: passed through, never matched again.
      proc.stdout!.off('data', onData);
      proc.stderr!.off('data', onData);
      proc.stdout!.resume();
      proc.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
      ok({ proc, match: m });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new BenchSetupError(`${cmd} exited ${code}: ${out}`));
    });
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the child is gone. */
export async function stopChild(proc: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    process.stderr.write(`${proc.spawnfile} (pid ${proc.pid}) still running ${graceMs} ms after SIGTERM: killed\n`);
    proc.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** BenchServer.stop(), with SIGKILL to its PID when it has not exited after graceMs. */
export async function stopServer(server: BenchServer, graceMs = 15_000): Promise<void> {
  const timer = setTimeout(() => {
    process.stderr.write(`k8ts server (pid ${server.pid}) still running ${graceMs} ms after SIGTERM: killed\n`);
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // Gone in the meantime.
    }
  }, graceMs);
  try {
    await server.stop();
  } finally {
    clearTimeout(timer);
  }
}
