// A real Debian `docker-registry` on a loopback port, in a temp dir with a config file
// we write, for tests and benchmarks; and skopeo to push images into it. stop() kills
// only the process we started (by PID) and removes the temp dir.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, usable as the domain of a reference. */
  host: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited (${proc.exitCode}): ${log()}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not become ready: ${log()}`);
}

export async function startRegistry(): Promise<RunningRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-registry-'));
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  const proc = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.pid !== undefined) {
      const exited = new Promise((r) => proc.once('exit', r));
      // The registry drains connections on SIGTERM; a test registry need not wait.
      const kill = (sig: NodeJS.Signals): void => {
        try {
          process.kill(proc.pid!, sig);
        } catch {
          /* already gone */
        }
      };
      kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 500))]);
      if (proc.exitCode === null && proc.signalCode === null) {
        kill('SIGKILL');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(`http://127.0.0.1:${port}/v2/`, proc, () => stderr);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: `127.0.0.1:${port}`, port, dir, stop };
}

export interface PushOptions {
  /** Manifest format to push: OCI (default) or Docker schema 2. */
  format?: 'oci' | 'v2s2';
  /** Push every image of an index (multi-arch), not just one platform. */
  all?: boolean;
}

/**
 * skopeo copy from `oci-archive:PATH`, `oci:DIR:NAME` or any other skopeo source to
 * `docker://HOST/REPO:TAG` over plain HTTP.
 */
export async function skopeoPush(source: string, dest: string, opts: PushOptions = {}): Promise<void> {
  const args = ['copy', '--quiet', '--dest-tls-verify=false'];
  if (opts.format === 'v2s2') args.push('--format', 'v2s2');
  if (opts.format === 'oci') args.push('--format', 'oci');
  if (opts.all) args.push('--all');
  args.push(source, `docker://${dest}`);
  await execFileP('skopeo', args, { maxBuffer: 16 * 1024 * 1024 });
}
