// The real RuntimeService: sandboxes are bind-mounted namespaces, containers run under
// conmon with crun (default) or runc, and everything it knows lives in files under
// `root`, so any number of runtime processes, one after another, see the same world.

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { randomBytes } from 'node:crypto';
import {
  InvalidArgumentError, InvalidStateError, NotFoundError, matchesLabels, nowNs,
  type Container, type ContainerConfig, type ContainerFilter, type ContainerStats, type ContainerStatsFilter,
  type ContainerStatus, type ExecOptions, type ExecSyncResult, type LogLine, type LogOptions, type PodSandbox,
  type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus, type RuntimeService, type StreamHandle,
} from '../cri.js';
import { favorDynamicCgroups, prepareHybridCgroups, readCgroupStats } from './cgroups.js';
import { attachSocket } from './attach.js';
import * as ctr from './containers.js';
import { readCriLog } from './crilog.js';
import { execStream, execSync } from './exec.js';
import { OciCli, RUNTIME_PATHS, type OciRuntimeName } from './ocicli.js';
import type { RootfsProvider } from './rootfs.js';
import { readOnlyBinary } from './readonly-binary.js';
import { nsFileMounted, sandboxPaths, setupSandbox, teardownSandbox } from './sandbox.js';
import type { StepTrace } from './trace.js';
import { StateStore, type ContainerRecord, type SandboxRecord } from './state.js';
import { ImageUserCache } from './user.js';
import { keepStateInMemory } from './volatile-state.js';

export const DEFAULT_ROOT = '/var/lib/k8ts/runtime';
/** The cgroup parent of sandboxes that name none (`k8ts ctr`'s containers). */
export const DEFAULT_CGROUP_PARENT = '/k8ts';

export interface OciRuntimeOptions {
  /** Where state, bundles, namespaces and logs live (default /var/lib/k8ts/runtime); the state on tmpfs mounts (stateInMemory). */
  root?: string;
  rootfs: RootfsProvider;
  /** Low-level runtime for new containers (default crun; runc if crun cannot run here). */
  runtime?: OciRuntimeName;
  /** cgroup parent for sandboxes that name none (default /k8ts). */
  cgroupParent?: string;
  /** Log size at which conmon rotates a container's log (default 10 MiB, as the kubelet). */
  logSizeMax?: number;
  conmonPath?: string;
  /** One line per event (default: stderr). */
  log?: (line: string) => void;
  /** Durations of the container steps, for benchmarks (off by default). */
  trace?: StepTrace;
  /**
   * Remount the host's cgroup2 with favordynmods, so that container starts never wait
   * for an RCU grace period (see cgroups.ts). Default on; the option stays for the host.
   */
  favorDynamicCgroups?: boolean;
  /**
   * Run crun/runc from a read-only bind mount under /run/k8ts/bin, so they skip copying
   * themselves into a sealed memfd at every create (see readonly-binary.ts). Default on.
   */
  readOnlyRuntimeBinary?: boolean;
  /**
   * Keep the per-container state (records, bundles, the OCI runtimes' state, exit files,
   * namespace files) on tmpfs mounts under the root, as containerd keeps its own under
   * /run (see volatile-state.ts). Default on.
   */
  stateInMemory?: boolean;
}

export class OciRuntimeService implements RuntimeService {
  private constructor(private readonly env: ctr.ContainerEnv, private readonly cgroupParent: string) {}

  /** Prepares the root directory and the host's cgroups, choosing the OCI runtime. */
  static async create(opts: OciRuntimeOptions): Promise<OciRuntimeService> {
    const root = opts.root ?? DEFAULT_ROOT;
    const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
    let name: OciRuntimeName = opts.runtime ?? 'crun';
    if (name === 'crun') {
      const why = await prepareHybridCgroups();
      if (why) {
        log(`runtime: crun cannot run on this host's cgroups (${why}); falling back to runc`);
        name = 'runc';
      }
    }
    if (opts.favorDynamicCgroups ?? true) {
      const why = await favorDynamicCgroups();
      if (why) log(`runtime: container starts may wait on cgroup moves (${why})`);
    }
    if (opts.stateInMemory ?? true) for (const why of await keepStateInMemory(root)) log(`runtime: ${why}`);
    const store = new StateStore(root);
    await store.init();
    const paths = { ...RUNTIME_PATHS };
    if (opts.readOnlyRuntimeBinary ?? true) {
      for (const n of ['crun', 'runc'] as const) {
        const ro = await readOnlyBinary(RUNTIME_PATHS[n]);
        if (ro.path !== null) paths[n] = ro.path;
        else if (n === name) log(`runtime: ${n} runs from ${RUNTIME_PATHS[n]}, copying itself at every start (${ro.why})`);
      }
    }
    const clis = { crun: new OciCli('crun', paths.crun, join(root, 'crun')), runc: new OciCli('runc', paths.runc, join(root, 'runc')) };
    return new OciRuntimeService(
      { store, cli: clis[name], clis, rootfs: opts.rootfs, logSizeMax: opts.logSizeMax ?? 10 * 1024 * 1024, conmonPath: opts.conmonPath, users: new ImageUserCache(), trace: opts.trace },
      opts.cgroupParent ?? DEFAULT_CGROUP_PARENT,
    );
  }

  get ociRuntime(): OciRuntimeName { return this.env.cli.name; }
  get root(): string { return this.env.store.root; }

  async version() {
    const out = await this.env.cli.run(['--version']).catch(() => '');
    return { runtimeName: `k8ts-oci/${this.env.cli.name}`, runtimeVersion: /version ([\w.+~-]+)/.exec(out)?.[1] ?? 'unknown', runtimeApiVersion: 'v1' };
  }

  // ------------------------------------------------------------ sandboxes

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = randomBytes(32).toString('hex');
    const p = sandboxPaths(this.root, id);
    const hostname = (config.hostname || config.metadata.name).slice(0, 63);
    const rec: SandboxRecord = {
      id, metadata: { ...config.metadata }, state: 'SANDBOX_READY', createdAt: nowNs(),
      labels: { ...config.labels }, annotations: { ...config.annotations }, config: structuredClone(config), hostname,
      netnsPath: config.linux?.hostNetwork ? '' : p.netns, ipcPath: p.ipc, utsPath: p.uts, shmPath: p.shm,
      logDirectory: config.logDirectory || join(this.root, 'logs', id),
      cgroupParent: config.linux?.cgroupParent || this.cgroupParent,
    };
    await setupSandbox(p, config, hostname);
    await mkdir(rec.logDirectory, { recursive: true });
    await this.env.store.saveSandbox(rec);
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = await this.sandbox(id);
    for (const c of await this.records(id)) await ctr.stopContainer(this.env, c, 0);
    if (sb.state !== 'SANDBOX_NOTREADY') {
      sb.state = 'SANDBOX_NOTREADY';
      await this.env.store.saveSandbox(sb);
    }
  }

  async removePodSandbox(id: string): Promise<void> {
    const sb = await this.env.store.sandbox(id);
    if (!sb) return;
    for (const c of await this.records(id)) await ctr.removeContainer(this.env, c);
    await teardownSandbox(sandboxPaths(this.root, id));
    if (sb.logDirectory === join(this.root, 'logs', id)) await rm(sb.logDirectory, { recursive: true, force: true });
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const s = await this.sandbox(id);
    return { id, metadata: s.metadata, state: s.state, createdAt: s.createdAt, netnsPath: s.netnsPath, labels: s.labels, annotations: s.annotations };
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const all = await Promise.all((await this.env.store.sandboxes()).map((s) => this.refreshSandbox(s)));
    return all
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.state || s.state === filter.state) && matchesLabels(s.labels, filter.labelSelector))
      .map((s) => ({ id: s.id, metadata: s.metadata, state: s.state, createdAt: s.createdAt, labels: s.labels, annotations: s.annotations }));
  }

  // ------------------------------------------------------------ containers

  async createContainer(podSandboxId: string, config: ContainerConfig, _sandboxConfig: PodSandboxConfig): Promise<string> {
    const sb = await this.sandbox(podSandboxId);
    if (sb.state !== 'SANDBOX_READY') throw new InvalidStateError(`sandbox ${podSandboxId} is not ready`);
    return (await ctr.createContainer(this.env, sb, config)).id;
  }

  async startContainer(id: string): Promise<void> {
    await ctr.startContainer(this.env, await this.container(id));
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await ctr.stopContainer(this.env, await this.container(id), timeoutSeconds);
  }

  async removeContainer(id: string): Promise<void> {
    const rec = await this.env.store.container(id);
    if (rec) await ctr.removeContainer(this.env, rec);
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const r = await ctr.refresh(this.env, await this.container(id));
    return { ...toContainer(r), startedAt: r.startedAt, finishedAt: r.finishedAt, exitCode: r.exitCode, reason: r.reason, message: r.message, mounts: r.mounts, logPath: r.logPath };
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const all = await Promise.all((await this.env.store.containers()).map((r) => ctr.refresh(this.env, r)));
    return all
      .filter((r) => (!filter.id || r.id === filter.id) && (!filter.podSandboxId || r.sandboxId === filter.podSandboxId)
        && (!filter.state || r.state === filter.state) && matchesLabels(r.labels, filter.labelSelector))
      .map(toContainer);
  }

  // ------------------------------------------------------------ exec, attach, logs, stats

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    const rec = await this.running(id);
    return execSync(this.env.clis[rec.ociRuntime], this.env.store.containerDir(id), id, cmd, timeoutSeconds);
  }

  async exec(id: string, opts: ExecOptions): Promise<StreamHandle> {
    const rec = await this.running(id);
    if (opts.cmd.length === 0) throw new InvalidArgumentError('exec needs a command');
    return execStream(this.env.clis[rec.ociRuntime], this.env.store.containerDir(id), id, opts);
  }

  /**
   * With stdin: through conmon's attach socket (the container must have been created
   * with `stdin`). Without: the container's output from now on, read from its log.
   */
  async attach(id: string, opts: { stdin?: boolean }): Promise<StreamHandle> {
    const rec = await this.container(id);
    const exitCode = async () => (await ctr.waitExit(this.env, rec, 10000)).exitCode;
    if (opts.stdin) return attachSocket({ bundle: this.env.store.containerDir(id), stdin: true, tty: rec.tty, exitCode });
    const stdout = new PassThrough();
    const stderr = rec.tty ? null : new PassThrough();
    const exit = (async () => {
      for await (const l of this.readContainerLogs(id, { follow: true, tail: 0 })) {
        (l.stream === 'stderr' && stderr ? stderr : stdout).write(l.log + '\n');
      }
      stdout.end();
      stderr?.end();
      return (await this.containerStatus(id)).exitCode;
    })();
    return { stdin: null, stdout, stderr, exit, resize: async () => {} };
  }

  readContainerLogs(id: string, opts: LogOptions = {}): AsyncIterable<LogLine> {
    const env = this.env;
    const self = this;
    return (async function* () {
      let rec = await self.container(id);
      const finished = async () => {
        rec = await ctr.refresh(env, rec);
        return rec.state === 'CONTAINER_EXITED' || rec.state === 'CONTAINER_UNKNOWN';
      };
      yield* readCriLog(rec.logPath, opts, finished);
    })();
  }

  async containerStats(id: string): Promise<ContainerStats> {
    const r = await this.container(id);
    const s = await readCgroupStats(r.cgroupsPath);
    const t = nowNs();
    return {
      attributes: { id, metadata: r.metadata, labels: r.labels, annotations: r.annotations },
      cpu: { timestamp: t, usageCoreNanoSeconds: s.usageCoreNanoSeconds },
      memory: { timestamp: t, workingSetBytes: s.workingSetBytes, usageBytes: s.usageBytes },
    };
  }

  async listContainerStats(filter: ContainerStatsFilter = {}): Promise<ContainerStats[]> {
    const list = await this.listContainers({ ...filter, state: 'CONTAINER_RUNNING' });
    return Promise.all(list.map((c) => this.containerStats(c.id)));
  }

  // ------------------------------------------------------------ helpers

  private async sandbox(id: string): Promise<SandboxRecord> {
    const s = await this.env.store.sandbox(id);
    if (!s) throw new NotFoundError('sandbox', id);
    return this.refreshSandbox(s);
  }

  /** After a reboot the namespace mounts are gone: such a sandbox is no longer ready. */
  private async refreshSandbox(s: SandboxRecord): Promise<SandboxRecord> {
    if (s.state === 'SANDBOX_READY' && !(await nsFileMounted(s.ipcPath))) {
      s.state = 'SANDBOX_NOTREADY';
      await this.env.store.saveSandbox(s).catch(() => {});
    }
    return s;
  }

  private async container(id: string): Promise<ContainerRecord> {
    const c = await this.env.store.container(id);
    if (!c) throw new NotFoundError('container', id);
    return c;
  }

  private async running(id: string): Promise<ContainerRecord> {
    const r = await ctr.refresh(this.env, await this.container(id));
    if (r.state !== 'CONTAINER_RUNNING') throw new InvalidStateError(`container ${id} is not running (${r.state})`);
    return r;
  }

  private async records(sandboxId: string): Promise<ContainerRecord[]> {
    return (await this.env.store.containers()).filter((c) => c.sandboxId === sandboxId);
  }
}

function toContainer(r: ContainerRecord): Container {
  return {
    id: r.id, podSandboxId: r.sandboxId, metadata: r.metadata, image: { image: r.image }, imageRef: r.imageId,
    state: r.state, createdAt: r.createdAt, labels: r.labels, annotations: r.annotations,
  };
}
