// Builds the OCI runtime spec (config.json) for one container from the image's config
// and the CRI request. Pure: every path and id it needs is handed in, so it is tested
// without touching the machine.

import { normalize } from 'node:path';
import type { ContainerConfig, ImageConfig, LinuxContainerResources, UserNamespace } from '../cri.js';
import { InvalidArgumentError } from '../cri.js';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, DEFAULT_PATH, DEFAULT_SHM_BYTES, MASKED_PATHS, READONLY_PATHS } from './defaults.js';
import { defaultSeccompProfile, type SeccompProfile } from './seccomp.js';
import { SECCOMP_BPF_ANNOTATION, defaultSeccompBpfBase64 } from './seccomp-bpf.js';
import type { ResolvedUser } from './user.js';

export interface OciMount { destination: string; type: string; source: string; options: string[] }
export interface OciNamespace { type: string; path?: string }

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: Record<'bounding' | 'effective' | 'permitted' | 'inheritable' | 'ambient', string[]>;
    rlimits: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: {
    namespaces: OciNamespace[];
    uidMappings?: { containerID: number; hostID: number; size: number }[];
    gidMappings?: { containerID: number; hostID: number; size: number }[];
    resources: {
      devices: { allow: boolean; access: string }[];
      memory?: { limit: number; swap: number };
      cpu?: { shares?: number; quota?: number; period?: number };
      pids?: { limit: number };
    };
    cgroupsPath: string;
    maskedPaths: string[];
    readonlyPaths: string[];
    seccomp?: SeccompProfile;
  };
}

export interface SpecInput {
  rootfs: string;
  image: ImageConfig;
  config: ContainerConfig;
  user: ResolvedUser;
  cgroupsPath: string;
  /** Namespace files of the sandbox to join; absent `net` with hostNetwork means the host's. */
  sandboxNamespaces: { net?: string; ipc: string; uts: string; user?: string };
  /** Files made by the sandbox and bind-mounted into every container. */
  etc: { hosts: string; resolvConf: string; hostname: string };
  /** A tmpfs of the sandbox, shared as /dev/shm by its containers (POSIX shm across them). */
  shmPath?: string;
  shmSizeBytes?: number;
  userNamespace?: UserNamespace;
  hostname: string;
  /** Default on; off only for runtimes/kernels without seccomp. */
  seccomp?: boolean;
}

/** Kubernetes' rules: `command` replaces Entrypoint (and drops Cmd), `args` replaces Cmd. */
export function processArgs(image: ImageConfig, command: string[] | undefined, args: string[] | undefined): string[] {
  const entry = command && command.length > 0 ? command : (image.Entrypoint ?? []);
  const cmd = args && args.length > 0 ? args : (command && command.length > 0 ? [] : (image.Cmd ?? []));
  const all = [...entry, ...cmd];
  if (all.length === 0) throw new InvalidArgumentError('no command: the image has no Entrypoint or Cmd and none was given');
  return all;
}

/** Image env, then the request's, later keys replacing earlier ones; PATH and HOSTNAME filled in. */
export function processEnv(image: ImageConfig, envs: { key: string; value: string }[] | undefined, hostname: string): string[] {
  const out = new Map<string, string>();
  for (const e of image.Env ?? []) {
    const i = e.indexOf('=');
    out.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
  }
  for (const e of envs ?? []) out.set(e.key, e.value);
  if (!out.has('PATH')) out.set('PATH', DEFAULT_PATH);
  if (!out.has('HOSTNAME')) out.set('HOSTNAME', hostname);
  return [...out].map(([k, v]) => `${k}=${v}`);
}

function resources(r: LinuxContainerResources | undefined): OciSpec['linux']['resources'] {
  const out: OciSpec['linux']['resources'] = { devices: [{ allow: false, access: 'rwm' }] };
  if (!r) return out;
  // Swap equal to the limit means no swap at all, as the kubelet asks for.
  if (r.memoryLimitInBytes) out.memory = { limit: r.memoryLimitInBytes, swap: r.memoryLimitInBytes };
  const cpu: NonNullable<OciSpec['linux']['resources']['cpu']> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpuQuota) { cpu.quota = r.cpuQuota; cpu.period = r.cpuPeriod || 100000; }
  else if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  if (r.pidsLimit && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  return out;
}

function capabilities(sc: NonNullable<ContainerConfig['linux']>['securityContext']): string[] {
  if (sc?.privileged) return [...ALL_CAPABILITIES];
  const norm = (c: string) => (c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`);
  const drop = new Set((sc?.dropCapabilities ?? []).map(norm));
  const caps = new Set(drop.has('CAP_ALL') ? [] : DEFAULT_CAPABILITIES.filter((c) => !drop.has(c)));
  for (const c of sc?.addCapabilities ?? []) {
    if (norm(c) === 'CAP_ALL') ALL_CAPABILITIES.forEach((a) => caps.add(a)); else caps.add(norm(c));
  }
  return [...caps];
}

const OVERRIDABLE = new Set(['/etc/hosts', '/etc/resolv.conf', '/etc/hostname', '/dev/shm']);

function mounts(input: SpecInput): OciMount[] {
  const ro = input.config.linux?.securityContext?.readonlyRootfs ?? false;
  // The sandbox's /etc files and /dev/shm give way to the caller's own mounts there (the
  // kubelet writes each pod's /etc/hosts, ...), as containerd's do: one mount, not two.
  const requested = new Set((input.config.mounts ?? []).map((m) => normalize(m.containerPath).replace(/(.)\/$/, '$1')));
  const shm: OciMount = input.shmPath
    ? { destination: '/dev/shm', type: 'bind', source: input.shmPath, options: ['rbind', 'nosuid', 'noexec', 'nodev'] }
    : { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${input.shmSizeBytes ?? DEFAULT_SHM_BYTES}`] };
  const list: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', ...(input.userNamespace ? [] : ['gid=5'])] },
    shm,
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    { destination: '/etc/hosts', type: 'bind', source: input.etc.hosts, options: ['rbind', 'rprivate', ro ? 'ro' : 'rw'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: input.etc.resolvConf, options: ['rbind', 'rprivate', ro ? 'ro' : 'rw'] },
    { destination: '/etc/hostname', type: 'bind', source: input.etc.hostname, options: ['rbind', 'rprivate', ro ? 'ro' : 'rw'] },
  ].filter((m) => !OVERRIDABLE.has(m.destination) || !requested.has(m.destination));
  for (const m of input.config.mounts ?? []) {
    if (!m.containerPath.startsWith('/')) throw new InvalidArgumentError(`mount path "${m.containerPath}" must be absolute`);
    list.push({ destination: m.containerPath, type: 'bind', source: m.hostPath, options: ['rbind', 'rprivate', m.readonly ? 'ro' : 'rw'] });
  }
  return list;
}

function namespaces(input: SpecInput): OciNamespace[] {
  const ns: OciNamespace[] = [
    { type: 'pid' }, { type: 'mount' },
    { type: 'ipc', path: input.sandboxNamespaces.ipc },
    { type: 'uts', path: input.sandboxNamespaces.uts },
  ];
  if (input.sandboxNamespaces.net) ns.push({ type: 'network', path: input.sandboxNamespaces.net });
  // With a user namespace the sandbox's namespaces belong to it, so it is joined too.
  if (input.userNamespace) ns.push(input.sandboxNamespaces.user ? { type: 'user', path: input.sandboxNamespaces.user } : { type: 'user' });
  return ns;
}

export function generateSpec(input: SpecInput): OciSpec {
  const { config, image } = input;
  const sc = config.linux?.securityContext;
  const caps = capabilities(sc);
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: {
      terminal: config.tty ?? false,
      user: { uid: input.user.uid, gid: input.user.gid, ...(input.user.additionalGids.length ? { additionalGids: input.user.additionalGids } : {}) },
      args: processArgs(image, config.command, config.args),
      env: processEnv(image, config.envs, input.hostname),
      cwd: config.workingDir || image.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      // No rlimits: the container inherits conmon's, which may not be raised here.
      rlimits: [],
      noNewPrivileges: sc?.noNewPrivs ?? !sc?.privileged,
    },
    root: { path: input.rootfs, readonly: sc?.readonlyRootfs ?? false },
    mounts: mounts(input),
    annotations: { ...config.annotations },
    linux: {
      namespaces: namespaces(input),
      resources: resources(config.linux?.resources),
      cgroupsPath: input.cgroupsPath,
      maskedPaths: sc?.privileged ? [] : [...MASKED_PATHS],
      readonlyPaths: sc?.privileged ? [] : [...READONLY_PATHS],
    },
  };
  if (input.userNamespace) {
    spec.linux.uidMappings = input.userNamespace.uids.map((m) => ({ containerID: m.containerId, hostID: m.hostId, size: m.length }));
    spec.linux.gidMappings = input.userNamespace.gids.map((m) => ({ containerID: m.containerId, hostID: m.hostId, size: m.length }));
  }
  if ((input.seccomp ?? true) && !sc?.privileged) {
    spec.linux.seccomp = defaultSeccompProfile();
    // The same profile precompiled, which crun uses instead of compiling it each start.
    const bpf = defaultSeccompBpfBase64();
    if (bpf) spec.annotations = { ...spec.annotations, [SECCOMP_BPF_ANNOTATION]: bpf };
  }
  return spec;
}
