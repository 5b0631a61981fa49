// A sandbox without a pause process: its network, IPC and UTS namespaces are created
// by a fork of the long-lived sandbox helper (sandbox-helper.ts; one short `unshare`
// where it cannot run) and kept alive by bind-mounting their nsfs files (the
// netns at <root>/netns/<id>, as `ip netns` does under /run/netns), so they outlive
// every process and the pod's containers join them by path. /dev/shm is one tmpfs per
// sandbox, shared by its containers as their IPC namespace is.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OciRuntimeError, type PodSandboxConfig } from '../cri.js';
import { DEFAULT_SHM_BYTES } from './defaults.js';
import { createUserNamespaceSandbox } from './userns.js';
import { isMounted } from './image/rootfs.js';
import { MNT_DETACH, MountCallError, MountHelperUnavailableError, mountHelper } from './image/mount-helper.js';
import { HelperUnavailableError } from './helper-process.js';
import { sandboxHelper } from './sandbox-helper.js';

const run = promisify(execFile);

export interface SandboxPaths {
  dir: string;
  netns: string;
  ipc: string;
  uts: string;
  user: string;
  shm: string;
  hosts: string;
  resolvConf: string;
  hostname: string;
}

export function sandboxPaths(root: string, id: string): SandboxPaths {
  const dir = join(root, 'sandboxes', id);
  return {
    dir, netns: join(root, 'netns', id), ipc: join(dir, 'ns', 'ipc'), uts: join(dir, 'ns', 'uts'), user: join(dir, 'ns', 'user'), shm: join(dir, 'shm'),
    hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf'), hostname: join(dir, 'hostname'),
  };
}

/** What the sandbox's own /etc/hosts, /etc/resolv.conf and /etc/hostname say. */
function etcFileText(p: SandboxPaths, path: string, config: PodSandboxConfig, hostname: string): string {
  if (path === p.hostname) return hostname + '\n';
  if (path === p.hosts) {
    const hosts = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', `127.0.1.1\t${hostname}`];
    for (const a of config.hostAliases ?? []) hosts.push(`${a.ip}\t${a.hostnames.join(' ')}`);
    return hosts.join('\n') + '\n';
  }
  if (config.dnsConfig) {
    const d = config.dnsConfig;
    return [...d.servers.map((s) => `nameserver ${s}`), ...(d.searches.length ? [`search ${d.searches.join(' ')}`] : []), ...(d.options.length ? [`options ${d.options.join(' ')}`] : [])].join('\n') + '\n';
  }
  try { return readFileSync('/etc/resolv.conf', 'utf8'); } catch { return ''; }
}

/**
 * Writes those of the sandbox's /etc files that `paths` names and that are not there
 * yet: made when a container first mounts one, since a kubelet brings its own three for
 * every container (so for its pods none is written at all). Small local files,
 * synchronously; through a rename, so a container of another process never sees one
 * half-written.
 */
export function ensureSandboxEtcFiles(p: SandboxPaths, config: PodSandboxConfig, hostname: string, paths: string[]): void {
  for (const path of paths) {
    if (path !== p.hosts && path !== p.resolvConf && path !== p.hostname) continue;
    try { statSync(path); continue; } catch { /* not yet */ }
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, etcFileText(p, path, config, hostname));
    renameSync(tmp, path);
  }
}

/** Creates the namespaces and shm (the /etc files wait for a container: ensureSandboxEtcFiles); on failure undoes what it did. */
export async function setupSandbox(p: SandboxPaths, config: PodSandboxConfig, hostname: string): Promise<void> {
  const hostNetwork = config.linux?.hostNetwork ?? false;
  await mkdir(join(p.dir, 'ns'), { recursive: true });
  await mkdir(p.shm, { recursive: true });
  try {
    const size = config.linux?.shmSizeBytes ?? DEFAULT_SHM_BYTES;
    const userns = config.linux?.userNamespace;
    const nsFiles = [p.ipc, p.uts, ...(hostNetwork ? [] : [p.netns]), ...(userns ? [p.user] : [])];
    for (const f of nsFiles) writeFileSync(f, '');
    if (userns) {
      const shm = { path: p.shm, options: `mode=1777,size=${size}` };
      await createUserNamespaceSandbox({ shm, user: p.user, ipc: p.ipc, uts: p.uts, ...(hostNetwork ? {} : { net: p.netns }) }, userns, hostname);
      return;
    }
    // One round trip to the long-lived helper instead of mount, unshare, sh, hostname and ip.
    try {
      await sandboxHelper.create({
        shm: { path: p.shm, options: `mode=1777,size=${size}` }, hostname, ipc: p.ipc, uts: p.uts, ...(hostNetwork ? {} : { net: p.netns }),
      });
      return;
    } catch (e) {
      if (!(e instanceof HelperUnavailableError)) throw e;
    }
    await run('mount', ['-t', 'tmpfs', '-o', `mode=1777,nosuid,nodev,noexec,size=${size}`, 'shm', p.shm]);
    const flags = [`--ipc=${p.ipc}`, `--uts=${p.uts}`, ...(hostNetwork ? [] : [`--net=${p.netns}`])];
    // The shell runs inside the new namespaces: name the host and raise loopback there.
    const script = hostNetwork ? 'hostname "$1"' : 'hostname "$1" && ip link set lo up';
    await run('unshare', [...flags, 'sh', '-c', script, 'sh', hostname]);
  } catch (e) {
    await teardownSandbox(p);
    throw new OciRuntimeError(`sandbox setup failed: ${(e as Error & { stderr?: string }).stderr?.trim() || (e as Error).message}`, { cause: e });
  }
}

async function unmount(path: string): Promise<void> {
  try {
    return await mountHelper.umount(path);
  } catch (e) {
    // Busy: detach it, as umount -l below would.
    if (e instanceof MountCallError) return mountHelper.umount(path, MNT_DETACH).catch(() => {});
    if (!(e instanceof MountHelperUnavailableError)) throw e;
  }
  try { await run('umount', [path]); } catch {
    await run('umount', ['-l', path]).catch(() => {});
  }
}

// One mount-point test for the runtime: stats first, the mount table only when they cannot tell.
export { isMounted };

/**
 * Whether a namespace file is still bind-mounted: its device is then nsfs, not the file
 * system of its directory. Two stats instead of reading the whole mount table, since it
 * is asked on every container create and status of a sandbox.
 */
export async function nsFileMounted(path: string): Promise<boolean> {
  try {
    return statSync(path).dev !== statSync(dirname(path)).dev;
  } catch {
    return false;
  }
}

/** Unmounts namespaces and shm and removes the sandbox's files; safe to repeat. */
export async function teardownSandbox(p: SandboxPaths): Promise<void> {
  for (const m of [p.netns, p.ipc, p.uts, p.user, p.shm]) {
    for (let i = 0; i < 5 && (await isMounted(m)); i++) await unmount(m);
  }
  await rm(p.netns, { force: true });
  await rm(p.dir, { recursive: true, force: true });
}
