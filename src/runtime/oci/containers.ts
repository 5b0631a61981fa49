// Container lifecycle on disk and under conmon: create (bundle + conmon), refresh
// (learn exits from conmon's exit file), signal, wait, and remove without leftovers.

import { mkdirSync, readFileSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InvalidStateError, exitReason, nowNs, type ContainerConfig } from '../cri.js';
import { cgroupOomKilled, removeCgroup } from './cgroups.js';
import { startConmon } from './conmon.js';
import { signalName } from './defaults.js';
import type { OciCli } from './ocicli.js';
import type { RootfsProvider } from './rootfs.js';
import { ensureSandboxEtcFiles, sandboxPaths } from './sandbox.js';
import { ensureMountPoints } from './mountpoints.js';
import { generateSpec } from './spec.js';
import { chownMountPoints, ensureSearchable, hostRoot, idmapBindMounts, releaseIdmapped, type IdmapTarget } from './idmap.js';
import type { ContainerRecord, SandboxRecord, StateStore } from './state.js';
import type { ImageUserCache } from './user.js';
import { timed, type StepTrace } from './trace.js';

export interface ContainerEnv {
  store: StateStore;
  cli: OciCli;
  clis: Record<'crun' | 'runc', OciCli>;
  rootfs: RootfsProvider;
  logSizeMax: number;
  conmonPath?: string;
  /** Users resolved against images' /etc (see user.ts). */
  users: ImageUserCache;
  trace?: StepTrace;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How often waitExit looks without being woken (a conmon gone without an exit file). */
const EXIT_POLL_MS = 100;

export function exitFile(env: ContainerEnv, id: string): string {
  return join(env.store.root, 'exits', id);
}

/** Idmapped views of a container's bind mounts: outside its directory, which is deleted recursively. */
function idmapDir(env: ContainerEnv, id: string): string {
  return join(env.store.root, 'idmap', id);
}

/** Idmapped views being detached after a create, by container id. */
const releasing = new Map<string, Promise<void>>();

/** For a sandbox in a user namespace, how its containers' files are id-shifted. */
function userNamespaceIdmap(sb: SandboxRecord, usernsFile: string): IdmapTarget | undefined {
  const ns = sb.config.linux?.userNamespace;
  const root = ns && hostRoot(ns);
  return root ? { userns: usernsFile, ...root } : undefined;
}

export async function createContainer(env: ContainerEnv, sb: SandboxRecord, config: ContainerConfig): Promise<ContainerRecord> {
  const T = env.trace;
  const img = await timed(T, 'resolve', () => env.rootfs.resolve(config.image.image));
  const id = randomBytes(32).toString('hex');
  const dir = env.store.containerDir(id);
  // Small local files, synchronously: see state.ts for why.
  await timed(T, 'mkdir', async () => { mkdirSync(dir, { recursive: true }); });
  const sc = config.linux?.securityContext;
  const cgroupsPath = `${sb.cgroupParent}/${id}`;
  const logPath = join(sb.logDirectory, config.logPath ?? join(config.metadata.name, `${config.metadata.attempt}.log`));
  const rec: ContainerRecord = {
    id, sandboxId: sb.id, metadata: { ...config.metadata }, image: config.image.image, imageId: img.imageId,
    state: 'CONTAINER_CREATED', createdAt: nowNs(), startedAt: 0, finishedAt: 0, exitCode: 0, reason: '', message: '',
    labels: { ...config.labels }, annotations: { ...config.annotations }, mounts: structuredClone(config.mounts ?? []),
    logPath, cgroupsPath, stopSignal: signalName(config.stopSignal ?? img.config.StopSignal), conmonPid: 0,
    tty: config.tty ?? false, ociRuntime: env.cli.name,
  };
  try {
    // Saved first, so a crash between here and conmon still leaves something to remove.
    await timed(T, 'save1', () => env.store.saveContainer(rec));
    // Always a writable rootfs: the OCI runtime must create mount points (/etc/hosts, ...)
    // in it before it remounts it read-only for readonlyRootfs containers.
    // The log directory meanwhile: independent steps overlap.
    const p = sandboxPaths(env.store.root, sb.id);
    const idmap = userNamespaceIdmap(sb, p.user);
    const [{ rootfs }] = await Promise.all([
      timed(T, 'rootfs', () => env.rootfs.prepare(id, img.imageId, { readOnly: false, ...(idmap ? { idmap } : {}) })),
      mkdir(dirname(logPath), { recursive: true }), // may be a volume the kubelet named: kept async
    ]);
    const spec = generateSpec({
      rootfs, image: img.config, config, cgroupsPath, hostname: sb.hostname,
      user: await timed(T, 'user', () => env.users.resolve(img, rootfs, sc?.user ?? img.config.User)),
      sandboxNamespaces: { net: sb.netnsPath || undefined, ipc: sb.ipcPath, uts: sb.utsPath, ...(sb.config.linux?.userNamespace ? { user: p.user } : {}) },
      etc: { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname },
      shmPath: sb.shmPath, userNamespace: sb.config.linux?.userNamespace,
    });
    ensureSandboxEtcFiles(p, sb.config, sb.hostname, spec.mounts.map((m) => m.source));
    if (idmap) {
      await timed(T, 'idmap', () => idmapBindMounts(idmapDir(env, id), idmap.userns, spec.mounts));
      ensureSearchable([rootfs, idmapDir(env, id), p.user]);
    }
    // Outside a user namespace the OCI runtime makes missing mount points itself, as
    // safely (inside the root) and without our lookups through a fresh overlay.
    const inUserNamespace = sb.config.linux?.userNamespace !== undefined;
    await Promise.all([
      inUserNamespace && timed(T, 'mountpoints', async () => {
        await ensureMountPoints(rootfs, spec);
        if (idmap) chownMountPoints(rootfs, spec.mounts.map((m) => m.destination), idmap);
      }),
      timed(T, 'config', async () => writeFileSync(join(dir, 'config.json'), JSON.stringify(spec))),
    ]);
    const started = await timed(T, 'conmon', () => startConmon(env.cli, {
      id, bundle: dir, containerPidFile: join(dir, 'pidfile'), conmonPidFile: join(dir, 'conmon.pid'), logPath,
      logSizeMax: env.logSizeMax, exitDir: join(env.store.root, 'exits'), socketDir: join(dir, 'sockets'),
      tty: rec.tty, stdin: config.stdin ?? false, stdinOnce: config.stdinOnce ?? false, conmonPath: env.conmonPath,
    }));
    // The OCI runtime has bound the idmapped views into the container: ours can go, so
    // no host mount leads into a volume (a recursive delete of the runtime's root must
    // never reach one) and the host's mount table stays short.
    // Off the start's path: removal waits for it (and repeats it after a crash).
    if (idmap) releasing.set(id, releaseIdmapped(idmapDir(env, id)).catch(() => {}).finally(() => releasing.delete(id)));
    rec.conmonPid = started.conmonPid;
    await timed(T, 'save2', () => env.store.saveContainer(rec));
    return rec;
  } catch (e) {
    await removeContainerFiles(env, rec).catch(() => {});
    throw e;
  }
}

async function readExitCode(env: ContainerEnv, id: string): Promise<{ code: number; at: number } | null> {
  try {
    const path = exitFile(env, id);
    const text = readFileSync(path, 'utf8').trim();
    if (text === '') return null;
    return { code: Number(text), at: statSync(path).mtimeMs * 1e6 };
  } catch { return null; }
}

/** True when pid is alive and is the conmon of this container (pids get reused). */
export async function conmonAlive(rec: ContainerRecord): Promise<boolean> {
  if (!rec.conmonPid) return false;
  let cmd = '';
  try { cmd = readFileSync(`/proc/${rec.conmonPid}/cmdline`, 'utf8'); } catch { /* gone */ }
  return cmd.includes('conmon') && cmd.includes(rec.id);
}

async function oomKilled(env: ContainerEnv, rec: ContainerRecord): Promise<boolean> {
  const dir = env.store.containerDir(rec.id);
  for (const f of ['oom', join('persist', 'oom')]) {
    if (await stat(join(dir, f)).then(() => true, () => false)) return true;
  }
  return cgroupOomKilled(rec.cgroupsPath);
}

/** Brings a record up to date with what conmon has recorded since it was saved. */
export async function refresh(env: ContainerEnv, rec: ContainerRecord): Promise<ContainerRecord> {
  if (rec.state === 'CONTAINER_EXITED') return rec;
  // No conmon yet: createContainer is still under way (maybe in another process); a
  // status read now must not write over the record it is about to save.
  if (rec.state === 'CONTAINER_CREATED' && rec.conmonPid === 0) return rec;
  let exit = await readExitCode(env, rec.id);
  if (!exit && !(await conmonAlive(rec))) {
    exit = await readExitCode(env, rec.id);
    if (!exit) {
      if (rec.state !== 'CONTAINER_UNKNOWN') {
        rec.state = 'CONTAINER_UNKNOWN';
        rec.message = 'conmon is gone and left no exit code';
        await env.store.saveContainer(rec);
      }
      return rec;
    }
  }
  if (!exit) return rec;
  const oom = exit.code === 137 ? await oomKilled(env, rec) : false;
  rec.state = 'CONTAINER_EXITED';
  rec.exitCode = exit.code;
  rec.finishedAt = Math.max(exit.at, rec.startedAt);
  if (!rec.startedAt) rec.startedAt = rec.finishedAt;
  rec.reason = exitReason(exit.code, oom);
  await env.store.saveContainer(rec);
  return rec;
}

/**
 * Until the container has exited (or conmon is gone) or `ms` pass. conmon's exit file
 * appearing in the exits directory wakes it at once (inotify through fs.watch); the
 * slow poll only catches a conmon that died without writing one.
 */
export async function waitExit(env: ContainerEnv, rec: ContainerRecord, ms: number): Promise<ContainerRecord> {
  const deadline = Date.now() + ms;
  let signalled = false;
  let wake: (() => void) | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(join(env.store.root, 'exits'), (_e, name) => {
      if (name && !String(name).includes(rec.id)) return;
      signalled = true;
      wake?.();
    });
    watcher.on('error', () => { /* the poll still runs */ });
  } catch { /* no inotify here: poll only */ }
  try {
    for (;;) {
      signalled = false;
      rec = await refresh(env, rec);
      if (rec.state === 'CONTAINER_EXITED' || rec.state === 'CONTAINER_UNKNOWN' || Date.now() >= deadline) return rec;
      if (signalled) continue; // it changed while we read: look again before sleeping
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, Math.min(EXIT_POLL_MS, deadline - Date.now())));
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = null;
    }
  } finally {
    watcher?.close();
  }
}

export async function startContainer(env: ContainerEnv, rec: ContainerRecord): Promise<void> {
  const T = env.trace;
  rec = await timed(T, 'start.refresh', () => refresh(env, rec));
  if (rec.state !== 'CONTAINER_CREATED') throw new InvalidStateError(`container ${rec.id} is ${rec.state}, not created`);
  rec.startedAt = nowNs();
  await timed(T, 'start.oci', () => env.clis[rec.ociRuntime].start(rec.id));
  rec.state = 'CONTAINER_RUNNING';
  await timed(T, 'start.save', () => env.store.saveContainer(rec));
}

/** The stop signal, then SIGKILL to every process of the container after the grace period. */
export async function stopContainer(env: ContainerEnv, rec: ContainerRecord, timeoutSeconds: number): Promise<ContainerRecord> {
  rec = await refresh(env, rec);
  if (rec.state === 'CONTAINER_EXITED' || rec.state === 'CONTAINER_UNKNOWN') return rec;
  const cli = env.clis[rec.ociRuntime];
  if (rec.state === 'CONTAINER_RUNNING' && timeoutSeconds > 0) {
    await cli.kill(rec.id, rec.stopSignal).catch(() => {});
    rec = await waitExit(env, rec, timeoutSeconds * 1000);
    if (rec.state === 'CONTAINER_EXITED') return rec;
  }
  await cli.kill(rec.id, 'SIGKILL', true).catch(() => cli.kill(rec.id, 'SIGKILL').catch(() => {}));
  return waitExit(env, rec, 10000);
}

/** Deletes the container from the OCI runtime, conmon, rootfs, cgroups and disk. */
export async function removeContainerFiles(env: ContainerEnv, rec: ContainerRecord): Promise<void> {
  const T = env.trace;
  await timed(T, 'rm.oci-delete', () => env.clis[rec.ociRuntime].delete(rec.id).catch(() => {}));
  await timed(T, 'rm.conmon-gone', async () => {
    for (let i = 0; i < 250 && (await conmonAlive(rec)); i++) await sleep(20);
    if (await conmonAlive(rec)) { try { process.kill(rec.conmonPid, 'SIGKILL'); } catch { /* gone */ } }
  });
  await timed(T, 'rm.rootfs', () => env.rootfs.release(rec.id));
  await releasing.get(rec.id);
  await releaseIdmapped(idmapDir(env, rec.id));
  await timed(T, 'rm.cgroup', () => removeCgroup(rec.cgroupsPath));
  await timed(T, 'rm.files', async () => {
    await rm(exitFile(env, rec.id), { force: true });
    await rm(rec.logPath, { force: true });
    // A status read in another process may be writing a record file in there right now.
    await rm(env.store.containerDir(rec.id), { recursive: true, force: true, maxRetries: 5 });
  });
}

export async function removeContainer(env: ContainerEnv, rec: ContainerRecord): Promise<void> {
  rec = await refresh(env, rec);
  if (rec.state === 'CONTAINER_RUNNING' || rec.state === 'CONTAINER_CREATED') await stopContainer(env, rec, 0);
  await removeContainerFiles(env, rec);
}
