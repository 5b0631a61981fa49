// Executes one CNI plugin binary as the specification says: parameters in CNI_*
// environment variables, the network configuration on stdin, the result or error on stdout.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { CniPluginError, CniPluginNotFoundError } from './errors.js';
import { parseErrorOutput, parseResult } from './result.js';
import { spawner, SpawnerUnavailableError } from './spawner.js';
import type { CniResult } from './types.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface PluginInvocation {
  pluginDir: string;
  type: string;
  command: CniCommand;
  containerId: string;
  /** May be empty for DEL when the namespace is already gone. */
  netns: string;
  ifName: string;
  cniArgs: string;
  conf: Record<string, unknown>;
  /** Names the pod in errors: "namespace/name". */
  podRef: string;
  /** Kills a plugin that hangs (e.g. waiting on the iptables lock forever). */
  timeoutMs?: number;
}

export async function execPlugin(inv: PluginInvocation): Promise<CniResult | undefined> {
  const path = join(inv.pluginDir, inv.type);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CNI_COMMAND: inv.command,
    CNI_CONTAINERID: inv.containerId,
    CNI_NETNS: inv.netns,
    CNI_IFNAME: inv.ifName,
    CNI_ARGS: inv.cniArgs,
    CNI_PATH: inv.pluginDir,
  };
  const { code, stdout, stderr } = await run(path, env, JSON.stringify(inv.conf), inv.timeoutMs ?? 120_000, inv.type);
  if (code !== 0) {
    const e = parseErrorOutput(stdout);
    if (e) throw new CniPluginError(inv.podRef, inv.type, inv.command, e.code, e.msg, e.details);
    const text = (stderr.trim() || stdout.trim() || `exit status ${code}`).slice(0, 2000);
    throw new CniPluginError(inv.podRef, inv.type, inv.command, 0, text);
  }
  try {
    return parseResult(stdout);
  } catch (err) {
    throw new CniPluginError(inv.podRef, inv.type, inv.command, 0, `unparseable result: ${(err as Error).message}`);
  }
}

interface RunOutput { code: number; stdout: string; stderr: string }

async function run(path: string, env: NodeJS.ProcessEnv, stdin: string, timeoutMs: number, type: string): Promise<RunOutput> {
  // The helper reports a program it cannot execute only as status 127: ask first, so a
  // missing plugin is still named as such.
  try { accessSync(path, constants.X_OK); } catch (e) {
    throw new CniPluginNotFoundError(type, path, e as NodeJS.ErrnoException);
  }
  try {
    return await spawner.run(path, env, stdin, timeoutMs);
  } catch (e) {
    if (!(e instanceof SpawnerUnavailableError)) throw e;
  }
  return spawnHere(path, env, stdin, timeoutMs, type);
}

/** The plugin as a child of the agent itself, where the spawner cannot run. */
function spawnHere(path: string, env: NodeJS.ProcessEnv, stdin: string, timeoutMs: number, type: string): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // Our own timer rather than spawn's `timeout`, whose timer outlives a spawn that
    // failed (ENOENT) and would hold the process open.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT' || e.code === 'EACCES') reject(new CniPluginNotFoundError(type, path, e));
      else reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (signal ? `\nkilled by ${signal}` : ''),
      });
    });
    // A plugin that exits without reading stdin makes this write fail with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}
