// Sandbox namespaces owned by a new user namespace, for pods that ask for one. The
// network, IPC and UTS namespaces must belong to the user namespace (or its root could
// not mount sysfs or mqueue for them), so all are made together by one `unshare
// --user` holder. util-linux would need newuidmap to write the id maps; as host root we
// write /proc/<pid>/{uid,gid}_map ourselves and bind-mount the namespace files (through
// the mount helper: no mount(8) per file), and let the holder go. Hostname and loopback
// are then set from inside through nsenter, whose setns into the user namespace makes
// it root there.

import { execFile, spawn } from 'node:child_process';
import { readlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { OciRuntimeError, type UserNamespace } from '../cri.js';
import { MountHelperUnavailableError, mountHelper } from './image/mount-helper.js';

const run = promisify(execFile);

export interface NamespaceFiles { user: string; ipc: string; uts: string; net?: string }

const mapText = (m: UserNamespace['uids']) => m.map((x) => `${x.containerId} ${x.hostId} ${x.length}`).join('\n') + '\n';

export async function createUserNamespaceSandbox(files: NamespaceFiles, userns: UserNamespace, hostname: string): Promise<void> {
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
    await writeFile(`/proc/${pid}/uid_map`, mapText(userns.uids));
    await writeFile(`/proc/${pid}/gid_map`, mapText(userns.gids));
    const target: Record<string, string | undefined> = { user: files.user, ipc: files.ipc, uts: files.uts, net: files.net };
    for (const k of kinds) await bindMount(`/proc/${pid}/ns/${k}`, target[k]!);
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
