// Network namespaces for tests: named ones under /run/netns (ip netns add), which the
// plugins see as an ordinary bind-mounted netns path, as the runtime's sandboxes are.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export async function addNetns(name: string): Promise<string> {
  await execFileP('ip', ['netns', 'add', name]);
  return `/run/netns/${name}`;
}

/** Deletes the namespace if it exists; never throws, so it is safe in finally blocks. */
export async function deleteNetns(name: string): Promise<void> {
  await execFileP('ip', ['netns', 'delete', name]).catch(() => {});
}

export async function listNetns(): Promise<string[]> {
  const { stdout } = await execFileP('ip', ['netns', 'list']);
  return stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n !== '');
}

/** Runs a command inside the namespace; resolves with its exit code and output. */
export async function inNetns(name: string, args: string[], timeoutMs = 60_000): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileP('ip', ['netns', 'exec', name, ...args], { timeout: timeoutMs });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Starts a long-running command inside the namespace (the caller kills it by its pid). */
export function spawnInNetns(name: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
