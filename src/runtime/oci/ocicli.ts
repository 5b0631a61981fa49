// The low-level OCI runtime's command line (crun or runc, which accept the same verbs),
// each call with our own --root so our containers never mix with anyone else's.

import { execFile } from 'node:child_process';
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OciRuntimeError } from '../cri.js';
import { CLONED_BINARY_ENV } from './readonly-binary.js';
import { spawner, SpawnerUnavailableError, type SpawnResult } from '../../network/cni/spawner.js';

export type OciRuntimeName = 'crun' | 'runc';

export const RUNTIME_PATHS: Record<OciRuntimeName, string> = { crun: '/usr/bin/crun', runc: '/usr/sbin/runc' };

export interface OciState { id: string; pid: number; status: 'creating' | 'created' | 'running' | 'stopped' | 'paused' }

export class OciCli {
  constructor(readonly name: OciRuntimeName, readonly path: string, readonly stateRoot: string) {}

  /** Global flags, also handed to conmon as --runtime-arg. */
  globalArgs(): string[] { return ['--root', this.stateRoot]; }

  /**
   * Through the spawner helper (network/cni/spawner.ts): Node's spawn forks the whole
   * agent and blocks it until the child execs, and kill and delete run for every
   * container that stops. Node's execFile where the helper cannot run.
   */
  async run(args: string[], timeoutMs = 30000): Promise<string> {
    let r: SpawnResult;
    try {
      r = await spawner.run(this.path, { ...process.env, ...CLONED_BINARY_ENV }, '', timeoutMs, [...this.globalArgs(), ...args]);
    } catch (e) {
      if (!(e instanceof SpawnerUnavailableError)) throw e;
      return this.runHere(args, timeoutMs);
    }
    if (r.code !== 0) throw new OciRuntimeError(`${this.name} ${args[0]}: ${(r.stderr || `exit status ${r.code}`).trim()}`);
    return r.stdout;
  }

  private runHere(args: string[], timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const env = { ...process.env, ...CLONED_BINARY_ENV };
      execFile(this.path, [...this.globalArgs(), ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env }, (err, stdout, stderr) => {
        if (err) reject(new OciRuntimeError(`${this.name} ${args[0]}: ${(stderr || err.message).trim()}`, { cause: err }));
        else resolve(stdout);
      });
    });
  }

  async state(id: string): Promise<OciState | null> {
    try { return JSON.parse(await this.run(['state', id])) as OciState; } catch { return null; }
  }

  /**
   * Lets a created container exec its process. For crun that is, exactly as `crun start`
   * does it, one byte written into the exec fifo its init waits on (crun's start adds
   * only poststart hooks and the notify socket, which our specs never use): saving a
   * process spawn, the largest single cost of a start. Anything unexpected (no fifo, no
   * reader because the init died) goes through the real command, for its checks and
   * its error message. runc's fifo works the other way round; it keeps its command.
   */
  async start(id: string): Promise<void> {
    if (this.name === 'crun' && (await releaseExecFifo(join(this.stateRoot, id, 'exec.fifo')))) return;
    await this.run(['start', id]);
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    await this.run(['kill', ...(all ? ['--all'] : []), id, signal]);
  }

  /** Forced delete; a container the runtime no longer knows is already deleted. */
  async delete(id: string): Promise<void> {
    try { await this.run(['delete', '--force', id]); } catch (e) {
      if (!/does not exist|not exist|No such file/i.test((e as Error).message)) throw e;
    }
  }
}

/**
 * crun's start protocol: open the fifo for writing, unlink it (the state becomes running),
 * write a byte. Synchronous: four calls of microseconds each on a local fifo, which
 * through the threadpool cost a round trip apiece, on the path of every start.
 */
async function releaseExecFifo(path: string): Promise<boolean> {
  // O_NONBLOCK: with no reader (the container's init is gone) open fails with ENXIO
  // instead of blocking for ever.
  let fd: number;
  try { fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK); } catch { return false; }
  try {
    try { unlinkSync(path); } catch { return false; } // another start won the race
    writeSync(fd, Buffer.alloc(1));
    return true;
  } finally {
    closeSync(fd);
  }
}
