// End-to-end harness: a real `k8ts server` process on a free loopback port with its own
// data directory, and the real kubectl (a chosen version) pointed at it. Everything is
// removed afterwards, even when a test fails.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(new URL('.', import.meta.url).pathname, '../../..');
export const k8tsBin = join(repoRoot, 'bin', 'k8ts');

export function kubectlPath(version: string): string {
  return `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`;
}

/** The oldest and newest kubectl installed here, which every e2e suite runs with. */
export const kubectlVersions = ['1.27', '1.33'].filter((v) => existsSync(kubectlPath(v)));

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
    s.on('error', reject);
  });
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class TestServer {
  private proc: ChildProcess | undefined;
  output = '';
  readonly kubeconfig: string;
  private readonly cacheDir: string;

  private constructor(readonly dataDir: string, readonly port: number, readonly extraArgs: string[], readonly agent: boolean) {
    this.kubeconfig = join(dataDir, 'kubeconfig.yaml');
    this.cacheDir = join(dataDir, 'kubectl-cache');
  }

  /** With `agent: true` the server runs its node agent (containers, pod network) too. */
  static async start(opts: { dataDir?: string; args?: string[]; agent?: boolean } = {}): Promise<TestServer> {
    const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
    const s = new TestServer(dataDir, await freePort(), opts.args ?? [], opts.agent ?? false);
    await s.launch();
    return s;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts (or restarts) the server process and waits for its ready line. */
  async launch(): Promise<void> {
    const proc = spawn(process.execPath, [k8tsBin, 'server', '--data-dir', this.dataDir, '--https-port', String(this.port), ...(this.agent ? [] : ['--disable-agent']), ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let fresh = '';
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`k8ts server did not become ready:\n${this.output}`)), 20_000);
      const onData = (b: Buffer) => {
        this.output += b.toString();
        fresh += b.toString();
        if (/ready in \d+ ms/.test(fresh)) {
          clearTimeout(timer);
          resolveReady();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`k8ts server exited with ${code}:\n${this.output}`));
      });
    });
    proc.removeAllListeners('exit');
  }

  /** Stops the process: SIGTERM (clean) or SIGKILL (crash). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
    proc.kill(signal);
    const code = await exited;
    this.proc = undefined;
    return code;
  }

  kubectl(version: string, args: string[], input?: string, env: Record<string, string> = {}): KubectlResult {
    const r = spawnSync(kubectlPath(version), ['--kubeconfig', this.kubeconfig, ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, KUBECACHEDIR: this.cacheDir, KUBECONFIG: this.kubeconfig, ...env },
      timeout: 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** kubectl that must succeed; returns stdout. */
  ok(version: string, args: string[], input?: string): string {
    const r = this.kubectl(version, args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  async cleanup(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
