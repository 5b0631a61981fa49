// Starting a container under conmon. conmon runs in its own session (we spawn it
// detached), runs `<runtime> create`, then reports the container's pid on the sync pipe
// (fd 3, named by _OCI_SYNCPIPE) and stays as the container's parent: it holds stdio,
// writes the CRI log and, when the container exits, the exit code into
// <exit-dir>/<id>. It never depends on us, so containers survive the death of the
// runtime process (conmon is then reparented like any orphan).
//
// We start it through the spawner helper (network/cni/spawner.ts), not Node's spawn.
//
// `--sync` keeps conmon from forking once more to leave its parent: on a busy machine
// every new process waits its turn on the run queue, and that fork alone cost as much
// as `crun create` itself. conmon writes no pid file then; we write it.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { OciRuntimeError } from '../cri.js';
import type { OciCli } from './ocicli.js';
import { CLONED_BINARY_ENV } from './readonly-binary.js';
import { spawner, SpawnerUnavailableError, type DetachedStart } from '../../network/cni/spawner.js';

export const CONMON_PATH = '/usr/bin/conmon';

export interface ConmonOptions {
  id: string;
  bundle: string;
  containerPidFile: string;
  conmonPidFile: string;
  logPath: string;
  logSizeMax: number;
  exitDir: string;
  socketDir: string;
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  conmonPath?: string;
}

export function conmonArgs(cli: OciCli, o: ConmonOptions): string[] {
  const args = [
    '--api-version', '1', '-c', o.id, '-u', o.id, '-n', o.id, '-r', cli.path, '-b', o.bundle,
    '-p', o.containerPidFile, '-P', o.conmonPidFile, '-l', `k8s-file:${o.logPath}`,
    '--log-size-max', String(o.logSizeMax), '--exit-dir', o.exitDir, '--socket-dir-path', o.socketDir,
    '--full-attach', '--log-level', 'error', '--no-sync-log', '--sync',
  ];
  for (const a of cli.globalArgs()) args.push('--runtime-arg', a);
  if (o.tty) args.push('-t');
  // stdinOnce: the container's stdin closes when the first attached client's does.
  if (o.stdin) args.push('-i', ...(o.stdinOnce ? [] : ['--leave-stdin-open']));
  return args;
}

async function firstMessage(stream: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => done(new OciRuntimeError(`conmon did not report within ${timeoutMs} ms`)), timeoutMs);
    const done = (err: Error | null, msg?: string) => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      stream.destroy();
      if (err) reject(err); else resolve(msg ?? '');
    };
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      // conmon writes one JSON object per message.
      if (buf.includes('}')) done(null, buf.slice(0, buf.indexOf('}') + 1));
    });
    stream.on('end', () => done(buf ? null : new OciRuntimeError('conmon closed the sync pipe without a message'), buf));
    stream.on('error', (e) => done(e));
  });
}

function conmonEnv(): Record<string, string | undefined> {
  // LC_ALL=C: glibc's built-in locale, so neither conmon nor the runtime reads locale
  // files at every start (the container's env comes from its spec, not from here).
  // _LIBCONTAINER_CLONED_BINARY: the runtime skips its memfd copy when it runs from a
  // read-only mount (readonly-binary.ts); elsewhere it copies itself as always.
  return { ...process.env, LC_ALL: 'C', _OCI_SYNCPIPE: '3', ...CLONED_BINARY_ENV };
}

/** The container's pid from conmon's sync message, or the create's error. */
function parseSync(cli: OciCli, msg: string, stderr: string): number {
  let parsed: { data?: number; message?: string };
  try { parsed = JSON.parse(msg) as typeof parsed; } catch {
    throw new OciRuntimeError(`conmon sent an unreadable message: ${msg}`);
  }
  if (typeof parsed.data !== 'number' || parsed.data <= 0) {
    throw new OciRuntimeError(`${cli.name} create failed: ${(parsed.message ?? stderr).trim() || 'unknown error'}`);
  }
  return parsed.data;
}

/**
 * Runs conmon (which creates the container) and returns once the container exists.
 * conmon is started by the spawner helper (see network/cni/spawner.ts: Node's spawn
 * forks the whole agent and blocks it until the exec), so conmon's parent is that
 * small process, which reaps it; when the agent and the helper go, conmon is
 * reparented like any orphan and the container keeps running. Node's spawn remains the
 * fallback.
 */
export async function startConmon(cli: OciCli, o: ConmonOptions): Promise<{ pid: number; conmonPid: number }> {
  const path = o.conmonPath ?? CONMON_PATH;
  let started: DetachedStart | null = null;
  try {
    started = await spawner.detached(path, conmonArgs(cli, o), conmonEnv(), o.bundle, 30000);
  } catch (e) {
    if (!(e instanceof SpawnerUnavailableError)) throw e;
  }
  if (started) {
    const { pid: conmonPid, message, stderr } = started;
    // Written at once, so a crash from here on still leaves its conmon findable.
    try { writeFileSync(o.conmonPidFile, String(conmonPid)); } catch { /* the record still names it */ }
    if (!message) throw new OciRuntimeError(`conmon failed for ${o.id}: ${stderr.trim() || 'conmon closed the sync pipe without a message'}`);
    const end = message.indexOf('}');
    return { pid: parseSync(cli, end >= 0 ? message.slice(0, end + 1) : message, stderr), conmonPid };
  }
  return startConmonHere(cli, o);
}

/** conmon as a child of this process, where the spawner cannot run. */
async function startConmonHere(cli: OciCli, o: ConmonOptions): Promise<{ pid: number; conmonPid: number }> {
  const child = spawn(o.conmonPath ?? CONMON_PATH, conmonArgs(cli, o), {
    // conmon writes its `oom` marker into its working directory: the bundle, where the
    // runtime looks for it (and not wherever k8ts was started).
    cwd: o.bundle,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: conmonEnv(),
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('error', () => { /* reported through the sync pipe closing */ });
  child.unref();
  const conmonPid = child.pid ?? 0;
  // Written before the container exists, so a crash meanwhile still leaves its conmon findable.
  try { writeFileSync(o.conmonPidFile, String(conmonPid)); } catch { /* the record still names it */ }
  const pipe = child.stdio[3] as Readable;
  let msg: string;
  try {
    if (!conmonPid) throw new OciRuntimeError(`cannot run ${o.conmonPath ?? CONMON_PATH}`);
    msg = await firstMessage(pipe, 30000);
  } catch (e) {
    throw new OciRuntimeError(`conmon failed for ${o.id}: ${stderr.trim() || (e as Error).message}`, { cause: e });
  } finally {
    child.stderr!.destroy();
  }
  return { pid: parseSync(cli, msg, stderr), conmonPid };
}
