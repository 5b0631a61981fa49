// The CRI-shaped seam between the kubelet (and `k8ts ctr`) and whatever runs containers.
// It speaks sandboxes and containers, never Pods: a sandbox is the shared network, IPC
// and UTS namespaces of a pod; a container belongs to one sandbox. Field names follow
// the Kubernetes CRI (k8s.io/cri-api runtime/v1) so the kubelet code reads like the
// real one. Timestamps are nanoseconds since the epoch held in a plain `number`: that
// loses a few hundred nanoseconds above 2^53, far below anything the kubelet compares,
// and keeps the values JSON-friendly.

import type { Readable, Writable } from 'node:stream';

// ---------------------------------------------------------------- common pieces

export interface KeyValue { key: string; value: string }

export type Labels = Record<string, string>;

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface ContainerMetadata { name: string; attempt: number }

/** Linux resources of a container, in CRI's units. Zero or absent means "no limit". */
export interface LinuxContainerResources {
  /** Relative CPU weight (cgroup v1 cpu.shares); 2..262144. */
  cpuShares?: number;
  /** CFS quota in microseconds per `cpuPeriod`. */
  cpuQuota?: number;
  /** CFS period in microseconds (default 100000). */
  cpuPeriod?: number;
  memoryLimitInBytes?: number;
  pidsLimit?: number;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
}

/** uid/gid mapping for a user namespace (host id `hostId` appears as `containerId`). */
export interface IdMapping { containerId: number; hostId: number; length: number }

export interface UserNamespace { uids: IdMapping[]; gids: IdMapping[] }

// ---------------------------------------------------------------- sandboxes

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  /** Directory where the kubelet wants this sandbox's container logs. */
  logDirectory?: string;
  dnsConfig?: { servers: string[]; searches: string[]; options: string[] };
  /** Extra /etc/hosts lines ("ip name..."). */
  hostAliases?: { ip: string; hostnames: string[] }[];
  labels?: Labels;
  annotations?: Labels;
  linux?: {
    cgroupParent?: string;
    /** Size of /dev/shm in bytes (default 64 MiB). */
    shmSizeBytes?: number;
    userNamespace?: UserNamespace;
    /** Run in the host's network namespace. */
    hostNetwork?: boolean;
  };
}

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  /** Path of the bind-mounted network namespace, for CNI. Empty with hostNetwork. */
  netnsPath: string;
  labels: Labels;
  annotations: Labels;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}

export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
  labelSelector?: Labels;
}

// ---------------------------------------------------------------- containers

export interface ImageSpec { image: string }

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  /** Replaces the image's Entrypoint (Kubernetes `command`). */
  command?: string[];
  /** Replaces the image's Cmd (Kubernetes `args`). */
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: Labels;
  annotations?: Labels;
  /** Log file path relative to the sandbox's logDirectory. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: {
    resources?: LinuxContainerResources;
    securityContext?: {
      /** "uid", "uid:gid", "name" or "name:group"; resolved against the image. */
      user?: string;
      readonlyRootfs?: boolean;
      privileged?: boolean;
      noNewPrivs?: boolean;
      addCapabilities?: string[];
      dropCapabilities?: string[];
    };
  };
  /** Signal sent by stopContainer; defaults to the image's StopSignal, then SIGTERM. */
  stopSignal?: string;
}

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Labels;
  annotations: Labels;
}

export interface ContainerStatus extends Container {
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  /** 'OOMKilled', 'Completed' (exit 0), 'Error' (non-zero), or '' while not exited. */
  reason: string;
  message: string;
  mounts: Mount[];
  logPath: string;
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: ContainerState;
  labelSelector?: Labels;
}

// ---------------------------------------------------------------- exec, attach, logs, stats

export interface ExecSyncResult { stdout: Buffer; stderr: Buffer; exitCode: number }

export interface ExecOptions {
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
}

/** A running exec or attach session. With tty, stderr is merged into stdout. */
export interface StreamHandle {
  stdin: Writable | null;
  stdout: Readable;
  stderr: Readable | null;
  /** Change the terminal size (tty sessions only; a no-op otherwise). */
  resize(size: { width: number; height: number }): Promise<void>;
  /** Resolves with the process's exit code (attach: when the container exits). */
  exit: Promise<number>;
}

export interface LogLine {
  /** Nanoseconds since the epoch. */
  timestamp: number;
  stream: 'stdout' | 'stderr';
  /** The line, without its trailing newline; partial lines are joined. */
  log: string;
}

export interface LogOptions {
  follow?: boolean;
  /** Only the last N lines (before following). */
  tail?: number;
  /** Only lines at or after this time (ns). */
  sinceTime?: number;
  signal?: AbortSignal;
}

export interface ContainerStats {
  attributes: { id: string; metadata: ContainerMetadata; labels: Labels; annotations: Labels };
  cpu: { timestamp: number; usageCoreNanoSeconds: number };
  memory: { timestamp: number; workingSetBytes: number; usageBytes: number };
}

export interface ContainerStatsFilter { id?: string; podSandboxId?: string; labelSelector?: Labels }

// ---------------------------------------------------------------- services

export interface RuntimeService {
  version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox and marks it not ready; idempotent. */
  stopPodSandbox(id: string): Promise<void>;
  /** Removes the sandbox and its containers; idempotent (absent is not an error). */
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Sends the stop signal, then SIGKILL after `timeoutSeconds`; idempotent once exited. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes a container, killing it first if it still runs; absent is not an error. */
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;

  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  exec(id: string, opts: ExecOptions): Promise<StreamHandle>;
  /** Attaches to the container's main process output (and stdin when opened with it). */
  attach(id: string, opts: { stdin?: boolean }): Promise<StreamHandle>;

  /** Lines of the container's CRI log; with `follow`, keeps yielding until it exits. */
  readContainerLogs(id: string, opts?: LogOptions): AsyncIterable<LogLine>;

  containerStats(id: string): Promise<ContainerStats>;
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]>;
}

export interface ImageConfig {
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
  Labels?: Labels | null;
  ExposedPorts?: Record<string, object>;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  config: ImageConfig;
}

export interface AuthConfig { username?: string; password?: string; auth?: string; identityToken?: string }

export interface ImageFsInfo { mountpoint: string; usedBytes: number; inodesUsed: number }

export interface ImageService {
  /** Pulls (or finds) the image; returns its id (config digest). */
  pullImage(image: ImageSpec, auth?: AuthConfig): Promise<string>;
  listImages(filter?: { image?: ImageSpec }): Promise<Image[]>;
  /** null when the image is not present (as CRI returns an empty status). */
  imageStatus(image: ImageSpec): Promise<Image | null>;
  removeImage(image: ImageSpec): Promise<void>;
  imageFsInfo(): Promise<ImageFsInfo[]>;
}

// ---------------------------------------------------------------- errors

/** Base of every runtime error; `code` is stable and safe to switch on. */
export class RuntimeError extends Error {
  readonly code: string = 'ERR_RUNTIME';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends RuntimeError {
  override readonly code = 'ERR_NOT_FOUND';
  constructor(readonly kind: 'container' | 'sandbox' | 'image', readonly id: string, options?: { cause?: unknown }) {
    super(`${kind} "${id}" not found`, options);
  }
}

export class AlreadyExistsError extends RuntimeError {
  override readonly code = 'ERR_ALREADY_EXISTS';
}

/** The operation does not fit the object's current state (e.g. start a running container). */
export class InvalidStateError extends RuntimeError {
  override readonly code = 'ERR_INVALID_STATE';
}

export class InvalidArgumentError extends RuntimeError {
  override readonly code = 'ERR_INVALID_ARGUMENT';
}

/** The low-level runtime (crun, runc, conmon) failed; `cause` or message carries its stderr. */
export class OciRuntimeError extends RuntimeError {
  override readonly code = 'ERR_OCI_RUNTIME';
}

export class ExecTimeoutError extends RuntimeError {
  override readonly code = 'ERR_EXEC_TIMEOUT';
}

export class ImagePullError extends RuntimeError {
  override readonly code = 'ERR_IMAGE_PULL';
}

// ---------------------------------------------------------------- small shared helpers

export function matchesLabels(labels: Labels, selector: Labels | undefined): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The reason the kubelet shows for an exited container. */
export function exitReason(exitCode: number, oomKilled: boolean): string {
  if (oomKilled) return 'OOMKilled';
  return exitCode === 0 ? 'Completed' : 'Error';
}

export function nowNs(): number {
  return Date.now() * 1e6;
}
