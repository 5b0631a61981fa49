// The low-level OCI runtime's command line (crun or runc, which accept the same verbs),
// each call with our own --root so our containers never mix with anyone else's.

import { execFile } from 'node:child_process';
import { OciRuntimeError } from '../cri.js';

export type OciRuntimeName = 'crun' | 'runc';

export const RUNTIME_PATHS: Record<OciRuntimeName, string> = { crun: '/usr/bin/crun', runc: '/usr/sbin/runc' };

export interface OciState { id: string; pid: number; status: 'creating' | 'created' | 'running' | 'stopped' | 'paused' }

export class OciCli {
  constructor(readonly name: OciRuntimeName, readonly path: string, readonly stateRoot: string) {}

  /** Global flags, also handed to conmon as --runtime-arg. */
  globalArgs(): string[] { return ['--root', this.stateRoot]; }

  run(args: string[], timeoutMs = 30000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.path, [...this.globalArgs(), ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) reject(new OciRuntimeError(`${this.name} ${args[0]}: ${(stderr || err.message).trim()}`, { cause: err }));
        else resolve(stdout);
      });
    });
  }

  async state(id: string): Promise<OciState | null> {
    try { return JSON.parse(await this.run(['state', id])) as OciState; } catch { return null; }
  }

  start(id: string): Promise<string> { return this.run(['start', id]); }

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
