// Running extra processes in a container with `<runtime> exec`. Without a TTY the
// runtime's own stdio are the process's. With one, crun/runc insist that their stdin be
// a terminal (or that we take the pty master over a console socket, which Node cannot
// receive), so the runtime runs under util-linux `script`, which gives it a pty and
// copies bytes between that pty and our pipes; the runtime puts that pty in raw mode
// and proxies it to the container's own pty.

import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { ExecTimeoutError, type ExecOptions, type ExecSyncResult, type StreamHandle } from '../cri.js';
import type { OciCli } from './ocicli.js';

const run = promisify(execFile);

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `--process FILE`: the container's own process (from the bundle's config.json in
 * `dir`) with the exec's command, as CRI runtimes do, so an exec runs as the container's
 * user and groups, with its env, cwd and capabilities. Without `--process` the OCI
 * runtimes exec as uid 0. No config.json (a container made elsewhere): no flag.
 */
async function processFile(dir: string, cmd: string[], tty: boolean): Promise<{ args: string[]; path?: string }> {
  let proc: Record<string, unknown>;
  try { proc = (JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { process: Record<string, unknown> }).process; } catch { return { args: [] }; }
  const path = join(dir, `exec-${randomBytes(6).toString('hex')}.json`);
  const { consoleSize: _size, ...rest } = proc;
  await writeFile(path, JSON.stringify({ ...rest, args: cmd, terminal: tty }));
  return { args: ['--process', path], path };
}

function pidFile(tmpDir: string): string {
  return join(tmpDir, `exec-${randomBytes(6).toString('hex')}.pid`);
}

async function readPid(path: string): Promise<number> {
  const n = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export async function execSync(cli: OciCli, tmpDir: string, id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
  const pf = pidFile(tmpDir);
  const p = await processFile(tmpDir, cmd, false);
  const child = spawn(cli.path, [...cli.globalArgs(), 'exec', '--pid-file', pf, ...p.args, id, ...(p.path ? [] : cmd)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  let timedOut = false;
  const timer = timeoutSeconds > 0 ? setTimeout(async () => {
    timedOut = true;
    // Killing the runtime alone would leave the process running in the container.
    const pid = await readPid(pf);
    if (pid) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
    child.kill('SIGKILL');
  }, timeoutSeconds * 1000) : null;
  const code = await new Promise<number>((resolve) => child.on('close', (c, sig) => resolve(c ?? (sig ? 128 + 9 : 255))));
  if (timer) clearTimeout(timer);
  await rm(pf, { force: true });
  if (p.path) await rm(p.path, { force: true });
  if (timedOut) throw new ExecTimeoutError(`exec in ${id} timed out after ${timeoutSeconds}s`);
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: code };
}

export async function execStream(cli: OciCli, tmpDir: string, id: string, opts: ExecOptions): Promise<StreamHandle> {
  const pf = pidFile(tmpDir);
  const p = await processFile(tmpDir, opts.cmd, opts.tty ?? false);
  const runtimeArgs = [...cli.globalArgs(), 'exec', ...(opts.tty && !p.path ? ['-t'] : []), '--pid-file', pf, ...p.args, id, ...(p.path ? [] : opts.cmd)];
  const child = opts.tty
    ? spawn('script', ['-qfec', [cli.path, ...runtimeArgs].map(shQuote).join(' '), '/dev/null'], { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'ignore'] })
    : spawn(cli.path, runtimeArgs, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number>((resolve) => child.on('close', (c, sig) => {
    void rm(pf, { force: true });
    if (p.path) void rm(p.path, { force: true });
    resolve(c ?? (sig ? 128 + 9 : 255));
  }));
  const resize = async (size: { width: number; height: number }) => {
    if (!opts.tty) return;
    // The exec'd process's fd 0 is its pty slave; setting its size there delivers SIGWINCH.
    for (let i = 0; i < 50; i++) {
      const pid = await readPid(pf);
      if (pid) {
        await run('stty', ['-F', `/proc/${pid}/fd/0`, 'rows', String(size.height), 'cols', String(size.width)]).catch(() => {});
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    stdin: (child.stdin as Writable | null) ?? null,
    stdout: child.stdout as Readable,
    stderr: opts.tty ? null : (child.stderr as Readable),
    resize,
    exit,
  };
}
