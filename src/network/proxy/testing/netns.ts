// Network namespaces with a listener each, joined to the host by veth pairs, for the
// proxy's kernel tests. Everything made is recorded so cleanup() removes it even after
// a failure half-way.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';

export interface Backend { ns: string; hostIf: string; hostIp: string; ip: string; port: number; proc?: ChildProcess }

export class NetnsLab {
  readonly backends: Backend[] = [];

  /** Creates namespace `ns` reached over a /30: host side hostIp, namespace side ip. */
  async addBackend(ns: string, hostIf: string, hostIp: string, ip: string, port: number, answer: string): Promise<Backend> {
    const be: Backend = { ns, hostIf, hostIp, ip, port };
    this.backends.push(be);
    sh('ip', 'netns', 'add', ns);
    sh('ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    sh('ip', 'addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    sh('ip', 'link', 'set', hostIf, 'up');
    sh('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${ip}/30`, 'dev', 'eth0');
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up');
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    sh('ip', 'netns', 'exec', ns, 'ip', 'route', 'add', 'default', 'via', hostIp);
    const script = `require('net').createServer((s) => { s.on('error', () => {}); s.end(${JSON.stringify(answer)}); })` +
      `.listen(${port}, '0.0.0.0', () => process.stdout.write('ready\\n'));`;
    be.proc = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      be.proc!.once('exit', (c) => reject(new Error(`listener in ${ns} exited (${c})`)));
      be.proc!.stdout!.once('data', () => resolve());
    });
    return be;
  }

  async cleanup(): Promise<void> {
    for (const be of this.backends) {
      if (be.proc && be.proc.exitCode === null) {
        const exited = new Promise((r) => be.proc!.once('exit', r));
        be.proc.kill('SIGKILL');
        await exited;
      }
      tryRun('ip', 'link', 'del', be.hostIf);
      tryRun('ip', 'netns', 'del', be.ns);
    }
    this.backends.length = 0;
  }
}

function sh(cmd: string, ...args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function tryRun(cmd: string, ...args: string[]): void {
  try { sh(cmd, ...args); } catch { /* already gone */ }
}
