// An in-memory RuntimeService: no processes, no files. Containers move CREATED ->
// RUNNING -> EXITED only when told to (a program that exits at start, a stop, or an
// explicit `exitContainer` from the test), so a kubelet unit test or a scale simulation
// of thousands of hollow nodes is deterministic. Ids come from a counter, time from an
// injected clock.

import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  InvalidStateError, NotFoundError, exitReason, matchesLabels, nowNs,
  type Container, type ContainerConfig, type ContainerFilter, type ContainerStats, type ContainerStatsFilter,
  type ContainerStatus, type ExecOptions, type ExecSyncResult, type LogLine, type LogOptions, type PodSandbox,
  type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus, type RuntimeService, type StreamHandle,
} from '../cri.js';
import { defaultExec, type FakeExecHandler } from './exec.js';

/** What a fake container "does" once started. */
export interface FakeProgram {
  stdout?: string[];
  stderr?: string[];
  /** Exit right after start with this code; absent: run until stopped or told to exit. */
  exitCode?: number;
  /** Exit right after start as if OOM-killed (137, reason OOMKilled). */
  oomKilled?: boolean;
  /** Ignore the stop signal, so stop ends in SIGKILL (137) instead of 143. */
  ignoreStopSignal?: boolean;
  /** Exit code when stopped by the stop signal (a trap), default 143 (killed by SIGTERM). */
  stopExitCode?: number;
}

export interface FakeRuntimeOptions {
  /** Maps a container's config to its program (default: runs until stopped, prints nothing). */
  program?: (config: ContainerConfig) => FakeProgram;
  /** exec/execSync behaviour (default: echo, cat, true, false, `sh -c 'exit N'`). */
  exec?: FakeExecHandler;
  /** Nanoseconds since the epoch (default: the wall clock). */
  clock?: () => number;
}

interface FakeSandbox { status: PodSandboxStatus; config: PodSandboxConfig }

interface FakeContainer {
  status: ContainerStatus;
  program: FakeProgram;
  logs: LogLine[];
  waiters: (() => void)[];
  stats: { cpu: number; mem: number };
}

export class FakeRuntimeService implements RuntimeService {
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  private counter = 0;
  private readonly clock: () => number;
  private readonly programOf: (config: ContainerConfig) => FakeProgram;
  private readonly execHandler: FakeExecHandler;

  constructor(opts: FakeRuntimeOptions = {}) {
    this.clock = opts.clock ?? nowNs;
    this.programOf = opts.program ?? (() => ({}));
    this.execHandler = opts.exec ?? defaultExec;
  }

  async version() {
    return { runtimeName: 'fake', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  private nextId(kind: string): string {
    return createHash('sha256').update(`${kind}-${++this.counter}`).digest('hex');
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = this.nextId('sandbox');
    this.sandboxes.set(id, {
      config,
      status: {
        id, metadata: { ...config.metadata }, state: 'SANDBOX_READY', createdAt: this.clock(),
        netnsPath: config.linux?.hostNetwork ? '' : `/var/run/netns/fake-${id.slice(0, 12)}`,
        labels: { ...config.labels }, annotations: { ...config.annotations },
      },
    });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandbox(id);
    for (const c of this.containers.values()) {
      if (c.status.podSandboxId === id && c.status.state === 'CONTAINER_RUNNING') await this.stopContainer(c.status.id, 0);
    }
    sb.status.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(id: string): Promise<void> {
    if (!this.sandboxes.has(id)) return;
    for (const c of [...this.containers.values()]) {
      if (c.status.podSandboxId === id) await this.removeContainer(c.status.id);
    }
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    return structuredClone(this.sandbox(id).status);
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()].map((s) => s.status)
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.state || s.state === filter.state) && matchesLabels(s.labels, filter.labelSelector))
      .map(({ netnsPath: _n, ...rest }) => structuredClone(rest));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, _sandboxConfig: PodSandboxConfig): Promise<string> {
    const sb = this.sandbox(podSandboxId);
    if (sb.status.state !== 'SANDBOX_READY') throw new InvalidStateError(`sandbox ${podSandboxId} is not ready`);
    const id = this.nextId('container');
    const logDir = sb.config.logDirectory ?? '/var/log/pods/fake';
    this.containers.set(id, {
      program: this.programOf(config), logs: [], waiters: [], stats: { cpu: 0, mem: 0 },
      status: {
        id, podSandboxId, metadata: { ...config.metadata }, image: { ...config.image }, imageRef: config.image.image,
        state: 'CONTAINER_CREATED', createdAt: this.clock(), startedAt: 0, finishedAt: 0, exitCode: 0, reason: '', message: '',
        labels: { ...config.labels }, annotations: { ...config.annotations }, mounts: structuredClone(config.mounts ?? []),
        logPath: `${logDir}/${config.logPath ?? `${config.metadata.name}/${config.metadata.attempt}.log`}`,
      },
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.container(id);
    if (c.status.state !== 'CONTAINER_CREATED') throw new InvalidStateError(`container ${id} is ${c.status.state}, not created`);
    c.status.state = 'CONTAINER_RUNNING';
    c.status.startedAt = this.clock();
    for (const l of c.program.stdout ?? []) this.writeLog(id, 'stdout', l);
    for (const l of c.program.stderr ?? []) this.writeLog(id, 'stderr', l);
    if (c.program.oomKilled) this.exitContainer(id, 137, { oomKilled: true });
    else if (c.program.exitCode !== undefined) this.exitContainer(id, c.program.exitCode);
  }

  async stopContainer(id: string, _timeoutSeconds: number): Promise<void> {
    const c = this.container(id);
    if (c.status.state === 'CONTAINER_RUNNING') this.exitContainer(id, c.program.ignoreStopSignal ? 137 : (c.program.stopExitCode ?? 143));
    else if (c.status.state === 'CONTAINER_CREATED') this.exitContainer(id, 0);
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.status.state === 'CONTAINER_RUNNING') this.exitContainer(id, 137);
    this.containers.delete(id);
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    return structuredClone(this.container(id).status);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    return [...this.containers.values()].map((c) => c.status)
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.podSandboxId || s.podSandboxId === filter.podSandboxId)
        && (!filter.state || s.state === filter.state) && matchesLabels(s.labels, filter.labelSelector))
      .map((s) => {
        const { id, podSandboxId, metadata, image, imageRef, state, createdAt, labels, annotations } = structuredClone(s);
        return { id, podSandboxId, metadata, image, imageRef, state, createdAt, labels, annotations };
      });
  }

  async execSync(id: string, cmd: string[], _timeoutSeconds: number): Promise<ExecSyncResult> {
    this.running(id);
    return this.execHandler(id, cmd, Buffer.alloc(0));
  }

  async exec(id: string, opts: ExecOptions): Promise<StreamHandle> {
    this.running(id);
    const stdin = opts.stdin ? new PassThrough() : null;
    const stdout = new PassThrough();
    const stderr = opts.tty ? null : new PassThrough();
    const exit = (async () => {
      const chunks: Buffer[] = [];
      if (stdin) for await (const ch of stdin) chunks.push(Buffer.from(ch as Buffer));
      const r = this.execHandler(id, opts.cmd, Buffer.concat(chunks));
      stdout.end(opts.tty ? Buffer.concat([r.stdout, r.stderr]) : r.stdout);
      stderr?.end(r.stderr);
      return r.exitCode;
    })();
    return { stdin, stdout, stderr, exit, resize: async () => {} };
  }

  async attach(id: string, _opts: { stdin?: boolean }): Promise<StreamHandle> {
    const c = this.container(id);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    // Attach sees output from now on, so start after the lines already written.
    const exit = (async () => {
      for await (const l of this.readContainerLogs(id, { follow: true, tail: 0 })) (l.stream === 'stdout' ? stdout : stderr).write(l.log + '\n');
      stdout.end();
      stderr.end();
      return c.status.exitCode;
    })();
    return { stdin: null, stdout, stderr, exit, resize: async () => {} };
  }

  async *readContainerLogs(id: string, opts: LogOptions = {}): AsyncIterable<LogLine> {
    const c = this.container(id);
    const since = opts.sinceTime ?? 0;
    let i = opts.tail !== undefined ? Math.max(0, c.logs.length - opts.tail) : 0;
    for (;;) {
      while (i < c.logs.length) {
        const line = c.logs[i++]!;
        if (line.timestamp >= since) yield { ...line };
      }
      if (!opts.follow || c.status.state === 'CONTAINER_EXITED' || opts.signal?.aborted) return;
      await new Promise<void>((resolve) => {
        c.waiters.push(resolve);
        opts.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  async containerStats(id: string): Promise<ContainerStats> {
    const c = this.container(id);
    const t = this.clock();
    return {
      attributes: { id, metadata: { ...c.status.metadata }, labels: { ...c.status.labels }, annotations: { ...c.status.annotations } },
      cpu: { timestamp: t, usageCoreNanoSeconds: c.stats.cpu },
      memory: { timestamp: t, workingSetBytes: c.stats.mem, usageBytes: c.stats.mem },
    };
  }

  async listContainerStats(filter: ContainerStatsFilter = {}): Promise<ContainerStats[]> {
    const list = await this.listContainers({ id: filter.id, podSandboxId: filter.podSandboxId, labelSelector: filter.labelSelector, state: 'CONTAINER_RUNNING' });
    return Promise.all(list.map((c) => this.containerStats(c.id)));
  }

  // ------------------------------------------------------------ test controls

  /** Ends a running container now, as if its process exited with `exitCode`. */
  exitContainer(id: string, exitCode: number, opts: { oomKilled?: boolean } = {}): void {
    const c = this.container(id);
    if (c.status.state === 'CONTAINER_EXITED') return;
    c.status.state = 'CONTAINER_EXITED';
    c.status.exitCode = exitCode;
    c.status.finishedAt = this.clock();
    c.status.reason = exitReason(exitCode, opts.oomKilled ?? false);
    this.wake(c);
  }

  /** Appends a line to the container's log as if it printed it. */
  writeLog(id: string, stream: 'stdout' | 'stderr', log: string): void {
    const c = this.container(id);
    c.logs.push({ timestamp: this.clock(), stream, log });
    this.wake(c);
  }

  setStats(id: string, stats: { usageCoreNanoSeconds: number; workingSetBytes: number }): void {
    this.container(id).stats = { cpu: stats.usageCoreNanoSeconds, mem: stats.workingSetBytes };
  }

  private wake(c: FakeContainer): void {
    const w = c.waiters.splice(0);
    for (const f of w) f();
  }

  private sandbox(id: string): FakeSandbox {
    const s = this.sandboxes.get(id);
    if (!s) throw new NotFoundError('sandbox', id);
    return s;
  }

  private container(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new NotFoundError('container', id);
    return c;
  }

  private running(id: string): FakeContainer {
    const c = this.container(id);
    if (c.status.state !== 'CONTAINER_RUNNING') throw new InvalidStateError(`container ${id} is not running`);
    return c;
  }
}
