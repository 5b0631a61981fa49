// Sandbox namespaces owned by a new user namespace, for pods that ask for one. The
// network, IPC and UTS namespaces must belong to the user namespace (or its root could
// not mount sysfs or mqueue for them), so all are made together by one holder process
// that unshares them at once. Host root (we) writes its /proc/<pid>/{uid,gid}_map (no
// newuidmap, no /etc/subuid) and bind-mounts its namespace files so they outlive it.
//
// The holder is a few lines of perl (perl-base is on every Debian system): having
// unshared, it keeps the full capabilities a new user namespace gives its creator, as
// long as it does not exec, so once mapped it names the host and raises loopback itself
// (sethostname(2), two ioctls), where `unshare` + `nsenter` + sh + hostname + ip would be
// five programs. Without perl, or on an architecture without its syscall numbers here,
// the commands do it.

import { execFile, spawn } from 'node:child_process';
import { readlink, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { OciRuntimeError, type UserNamespace } from '../cri.js';
import { MountHelperUnavailableError, mountHelper } from './image/mount-helper.js';

const run = promisify(execFile);

export interface NamespaceFiles { user: string; ipc: string; uts: string; net?: string }

const mapText = (m: UserNamespace['uids']) => m.map((x) => `${x.containerId} ${x.hostId} ${x.length}`).join('\n') + '\n';

// unshare(2) and sethostname(2): x86-64's own numbers, and the generic table's.
const NR: Partial<Record<string, { unshare: number; sethostname: number }>> = {
  x64: { unshare: 272, sethostname: 170 },
  arm64: { unshare: 97, sethostname: 161 },
  riscv64: { unshare: 97, sethostname: 161 },
};
const CLONE_NEWUSER = 0x10000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUTS = 0x04000000, CLONE_NEWNET = 0x40000000;

// "ready" once unshared; then waits for "go" (maps written, files bound) and names the
// host and raises lo (SIOCGIFFLAGS/SIOCSIFFLAGS on a struct ifreq: 16-byte name, 24-byte
// union). Any other line, or our end closing, and it exits without doing anything.
const HOLDER = String.raw`
$| = 1;
my ($UNS, $SHN, $flags, $host, $lo) = @ARGV;
syscall($UNS, 0 + $flags) == 0 or die "unshare: $!\n";
print "ready\n";
my $go = <STDIN>;
exit 3 unless defined $go && $go eq "go\n";
syscall($SHN, $host, length($host)) == 0 or die "sethostname: $!\n";
if ($lo) {
  my $r = pack('a16 x24', 'lo');
  socket(my $s, 2, 2, 0) or die "socket: $!\n";
  ioctl($s, 0x8913, $r) or die "lo flags: $!\n";
  my $f = unpack('x16 s', $r);
  $r = pack('a16 s x22', 'lo', $f | 1);
  ioctl($s, 0x8914, $r) or die "lo up: $!\n";
}
exit 0;
`;

export async function createUserNamespaceSandbox(files: NamespaceFiles, userns: UserNamespace, hostname: string): Promise<void> {
  const nr = NR[process.arch];
  if (nr) {
    try {
      return await viaPerl(nr, files, userns, hostname);
    } catch (e) {
      if (!(e instanceof HolderUnavailableError)) throw e;
    }
  }
  await viaCommands(files, userns, hostname);
}

class HolderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HolderUnavailableError';
  }
}

async function viaPerl(nr: { unshare: number; sethostname: number }, files: NamespaceFiles, userns: UserNamespace, hostname: string): Promise<void> {
  const flags = CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | (files.net ? CLONE_NEWNET : 0);
  const holder = spawn('perl', ['-e', HOLDER, String(nr.unshare), String(nr.sethostname), String(flags), hostname, files.net ? '1' : ''], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  holder.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  holder.stdin!.on('error', () => { /* it exited: its code says why */ });
  const exited = new Promise<number>((resolve, reject) => {
    holder.on('error', (e) => reject(new HolderUnavailableError(`cannot run perl: ${e.message}`)));
    holder.on('close', (c) => resolve(c ?? 1));
  });
  const ready = new Promise<boolean>((resolve) => {
    const lines = createInterface({ input: holder.stdout! });
    lines.once('line', (l) => resolve(l === 'ready'));
    lines.once('close', () => resolve(false));
  });
  let go = false;
  try {
    if (!(await Promise.race([ready, exited.then(() => false)]))) throw new OciRuntimeError(`user namespace holder failed: ${stderr.trim() || 'no answer'}`);
    await bindAll(holder.pid!, files, userns);
    go = true;
  } finally {
    holder.stdin!.end(go ? 'go\n' : '\n');
  }
  const code = await exited;
  if (code !== 0) throw new OciRuntimeError(`user namespace sandbox: ${stderr.trim() || `holder exited ${code}`}`);
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
