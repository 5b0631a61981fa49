// Sandbox namespaces owned by a new user namespace, for pods that ask for one. The
// network, IPC and UTS namespaces must belong to the user namespace (or its root could
// not mount sysfs or mqueue for them), so all are made together by one process that
// unshares them at once. Host root writes its /proc/<pid>/{uid,gid}_map (no newuidmap,
// no /etc/subuid) and bind-mounts its namespace files so they outlive it.
//
// The long-lived sandbox helper (sandbox-helper.ts) does it all with a fork per sandbox. Without
// it (no perl, an architecture without its syscall numbers here) `unshare` holds the
// namespaces and `nsenter` names the host and raises loopback.

import { execFile, spawn } from 'node:child_process';
import { readlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { OciRuntimeError, type UserNamespace } from '../cri.js';
import { MountHelperUnavailableError, mountHelper } from './image/mount-helper.js';
import { HelperCallError, HelperUnavailableError } from './helper-process.js';
import { SandboxHelper, sandboxHelper } from './sandbox-helper.js';

const run = promisify(execFile);

export interface NamespaceFiles {
  user: string;
  ipc: string;
  uts: string;
  net?: string;
  /** The sandbox's /dev/shm: a tmpfs mounted here (nosuid, nodev, noexec) with these options. */
  shm?: { path: string; options: string };
}

const mapText = (m: UserNamespace['uids']) => m.map((x) => `${x.containerId} ${x.hostId} ${x.length}`).join('\n') + '\n';

/** Makes the namespaces (and shm) and binds their files; `helper: null` uses the commands. */
export async function createUserNamespaceSandbox(files: NamespaceFiles, userns: UserNamespace, hostname: string, helper: SandboxHelper | null = sandboxHelper): Promise<void> {
  if (helper) {
    try {
      return await helper.createUserNamespace({ hostname, uidMap: mapText(userns.uids), gidMap: mapText(userns.gids), ...files });
    } catch (e) {
      if (e instanceof HelperCallError) throw new OciRuntimeError(`user namespace sandbox: ${e.message}`, { cause: e });
      if (!(e instanceof HelperUnavailableError)) throw e;
    }
  }
  await viaCommands(files, userns, hostname);
}

/** Writes the holder's id maps and bind-mounts its namespace files onto the sandbox's. */
async function bindAll(pid: number, files: NamespaceFiles, userns: UserNamespace): Promise<void> {
  await writeFile(`/proc/${pid}/uid_map`, mapText(userns.uids));
  await writeFile(`/proc/${pid}/gid_map`, mapText(userns.gids));
  const kinds = ['user', 'ipc', 'uts', ...(files.net ? ['net'] : [])] as const;
  const target: Record<string, string | undefined> = { user: files.user, ipc: files.ipc, uts: files.uts, net: files.net };
  for (const k of kinds) await bindMount(`/proc/${pid}/ns/${k}`, target[k]!);
}

/** The same with `unshare` holding the namespaces and `nsenter` (root inside) naming the host. */
async function viaCommands(files: NamespaceFiles, userns: UserNamespace, hostname: string): Promise<void> {
  if (files.shm) await run('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,${files.shm.options}`, 'shm', files.shm.path]);
  const kinds = ['user', 'ipc', 'uts', ...(files.net ? ['net'] : [])] as const;
  const holder = spawn('unshare', [...kinds.map((k) => `--${k}`), 'sh', '-c', 'read x'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  holder.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number>((r) => holder.on('close', (c) => r(c ?? 1)));
  try {
    const pid = holder.pid!;
    const ours = await readlink('/proc/self/ns/user');
    for (let i = 0; ; i++) {
      const theirs = await readlink(`/proc/${pid}/ns/user`).catch(() => ours);
      if (theirs !== ours) break;
      if (i > 500 || holder.exitCode !== null) throw new OciRuntimeError(`unshare --user did not start: ${stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await bindAll(pid, files, userns);
  } finally {
    holder.stdin!.end('\n');
    await exited;
  }
  // The holder's shell lost its capabilities at exec (host root is unmapped inside):
  // nsenter's setns into the user namespace makes it root there, with them.
  const script = files.net ? 'hostname "$1" && ip link set lo up' : 'hostname "$1"';
  await run('nsenter', [`--user=${files.user}`, `--uts=${files.uts}`, ...(files.net ? [`--net=${files.net}`] : []), 'sh', '-c', script, 'sh', hostname]);
}

async function bindMount(source: string, target: string): Promise<void> {
  try {
    return await mountHelper.bind(source, target);
  } catch (e) {
    if (!(e instanceof MountHelperUnavailableError)) throw e;
  }
  await run('mount', ['--bind', source, target]);
}
