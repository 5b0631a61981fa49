// A sandbox's namespaces and /dev/shm without a process chain per pod. Made with
// commands, a sandbox costs `mount` (shm), then `unshare`, `sh`, `hostname` and `ip`
// (name the host, raise loopback): five programs started and waited for, a good part of
// a pod's start on a busy node. Here one small perl process (perl-base is on every Debian
// system) lives beside us; per sandbox it mounts the shm tmpfs itself and forks a child
// that unshares IPC, UTS and network namespaces, sets the host name, raises `lo` with
// two ioctls and bind-mounts its /proc/self/ns files onto the sandbox's files, so the
// namespaces outlive it. A fork of a small perl costs a fraction of one exec.
//
// A sandbox in a new user namespace (`createUserNamespace`) is made by the same process
// and the same child, which then unshares the user namespace too, at once, and waits:
// the parent, host root, writes the child's uid and gid maps (no newuidmap, no
// /etc/subuid) and bind-mounts the child's namespace files, then lets it go on. Having
// unshared, the child holds the full capabilities a new user namespace gives its creator
// (it never execs), so it names the host and raises loopback itself and exits.
//
// One request per line, hex-encoded arguments, "ok" or "err <errno> <message>" back, in
// order; it exits when our end of its stdin closes, and keeps Node's event loop up only
// while a reply is awaited. Callers fall back to the commands when it cannot run.

import { HelperProcess } from './helper-process.js';


// unshare(2), sethostname(2), mount(2): x86-64's own numbers, and the generic table's.
const NR: Partial<Record<string, { unshare: number; sethostname: number; mount: number }>> = {
  x64: { unshare: 272, sethostname: 170, mount: 165 },
  arm64: { unshare: 97, sethostname: 161, mount: 40 },
  riscv64: { unshare: 97, sethostname: 161, mount: 40 },
};

const CLONE_NEWUSER = 0x10000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUTS = 0x04000000, CLONE_NEWNET = 0x40000000;

// SIOCGIFFLAGS/SIOCSIFFLAGS (0x8913/0x8914) on a struct ifreq (16-byte name, 24-byte union).
// In a user namespace the child says "r" once unshared and reads "g" (go on) or
// anything else (give up). Scalars rather than literals in syscall(): perl passes a
// string's buffer, a number as is.
const SCRIPT = String.raw`
use POSIX ();
$| = 1;
my ($UNS, $SHN, $MNT) = @ARGV;
sub fail { POSIX::_exit(($! + 0) || 5); }
# The child, in its new namespaces: the host name (when given), then loopback up.
sub name_and_lo {
  my ($host, $lo) = @_;
  return 0 if length($host) && syscall($SHN, $host, length($host)) != 0;
  return 1 unless $lo;
  my $r = pack('a16 x24', 'lo');
  my $s;
  return 0 unless socket($s, 2, 2, 0) && ioctl($s, 0x8913, $r);
  my $f = unpack('x16 s', $r);
  $r = pack('a16 s x22', 'lo', $f | 1);
  return ioctl($s, 0x8914, $r) ? 1 : 0;
}
# Bind-mounts <nsdir>/<kind> onto each file: (kind, file) pairs.
sub bind_ns {
  my ($nsdir, @binds) = @_;
  while (@binds) {
    my ($kind, $file) = splice(@binds, 0, 2);
    my ($src, $t, $d) = ("$nsdir/$kind", '', '');
    return 0 unless syscall($MNT, $src, $file, $t, 4096, $d) == 0;
  }
  return 1;
}
sub mount_shm {
  my ($shm, $shmopts) = @_;
  return 1 unless length($shm);
  my ($s, $t) = ('shm', 'tmpfs');
  return syscall($MNT, $s, $shm, $t, 2 | 4 | 8, $shmopts) == 0;
}
sub reap {
  my ($pid) = @_;
  waitpid($pid, 0);
  return 1 if $? == 0;
  $! = ($? >> 8) || 5;
  return 0;
}
sub sandbox {
  my ($shm, $shmopts, $flags, $host, $lo, @binds) = @_;
  return 0 unless mount_shm($shm, $shmopts);
  my $pid = fork();
  return 0 unless defined $pid;
  if ($pid == 0) {
    fail() unless syscall($UNS, 0 + $flags) == 0 && name_and_lo($host, $lo) && bind_ns('/proc/self/ns', @binds);
    POSIX::_exit(0);
  }
  return reap($pid);
}
sub setmap {
  my ($path, $text) = @_;
  open(my $f, '>', $path) or return 0;
  my $n = syswrite($f, $text);
  close($f);
  return defined($n) && $n == length($text);
}
sub userns {
  my ($shm, $shmopts, $flags, $host, $lo, $uidmap, $gidmap, @binds) = @_;
  return 0 unless mount_shm($shm, $shmopts);
  pipe(my $cr, my $pw) or return 0;
  pipe(my $pr, my $cw) or return 0;
  my $pid = fork();
  return 0 unless defined $pid;
  if ($pid == 0) {
    close($pw); close($pr);
    fail() unless syscall($UNS, 0 + $flags) == 0;
    syswrite($cw, 'r');
    my $b = '';
    POSIX::_exit(125) unless sysread($cr, $b, 1) == 1 && $b eq 'g';
    fail() unless name_and_lo($host, $lo);
    POSIX::_exit(0);
  }
  close($cr); close($cw);
  my $b = '';
  my $ok = sysread($pr, $b, 1) == 1;
  $ok = $ok && setmap("/proc/$pid/uid_map", $uidmap) && setmap("/proc/$pid/gid_map", $gidmap) && bind_ns("/proc/$pid/ns", @binds);
  my $err = $! + 0;
  syswrite($pw, $ok ? 'g' : 'x');
  close($pw); close($pr);
  if (!$ok) { waitpid($pid, 0); $! = $err || 5; return 0; }
  return reap($pid);
}
while (defined(my $l = <STDIN>)) {
  chomp $l;
  my ($op, @h) = split / /, $l;
  my @a = map { pack('H*', $_) } @h;
  my $ok = 0;
  if ($op eq 's') { $ok = sandbox(@a); } elsif ($op eq 'u') { $ok = userns(@a); } else { $! = 22; }
  print $ok ? "ok\n" : ('err ' . ($! + 0) . " $!\n");
}
`;

export interface SandboxRequest {
  /** A tmpfs mounted here (nosuid, nodev, noexec) with these options, e.g. mode=1777,size=N. */
  shm?: { path: string; options: string };
  hostname: string;
  /** Existing files onto which the new namespaces are bind-mounted. */
  ipc: string;
  uts: string;
  /** Absent: the host's network (no network namespace, no loopback to raise). */
  net?: string;
}

export interface UserNamespaceRequest extends SandboxRequest {
  /** /proc/<pid>/uid_map and gid_map text. */
  uidMap: string;
  gidMap: string;
  /** The existing file onto which the new user namespace is bind-mounted. */
  user: string;
}

const hex = (s: string) => Buffer.from(s).toString('hex');

export class SandboxHelper {
  private readonly helper = new HelperProcess({
    name: 'sandbox helper',
    argv: () => {
      const nr = NR[process.arch];
      return nr ? ['-e', SCRIPT, String(nr.unshare), String(nr.sethostname), String(nr.mount)] : { unavailable: `no syscall numbers for ${process.arch}` };
    },
  });

  /** Mounts shm, then makes the namespaces; on error the caller tears down what exists. */
  create(r: SandboxRequest): Promise<void> {
    const flags = CLONE_NEWIPC | CLONE_NEWUTS | (r.net ? CLONE_NEWNET : 0);
    const binds = ['ipc', r.ipc, 'uts', r.uts, ...(r.net ? ['net', r.net] : [])];
    const args = [r.shm?.path ?? '', r.shm?.options ?? '', String(flags), r.hostname, r.net ? '1' : '', ...binds];
    return this.helper.call(`s ${args.map(hex).join(' ')}`, `sandbox namespaces on ${r.uts}`);
  }

  /** The same in a new user namespace with these maps, its file bound too. */
  createUserNamespace(r: UserNamespaceRequest): Promise<void> {
    const flags = CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | (r.net ? CLONE_NEWNET : 0);
    const binds = ['user', r.user, 'ipc', r.ipc, 'uts', r.uts, ...(r.net ? ['net', r.net] : [])];
    const args = [r.shm?.path ?? '', r.shm?.options ?? '', String(flags), r.hostname, r.net ? '1' : '', r.uidMap, r.gidMap, ...binds];
    return this.helper.call(`u ${args.map(hex).join(' ')}`, `user namespace sandbox on ${r.user}`);
  }

  /** Ends the helper once its pending calls are answered; the next call starts another. */
  close(): void {
    this.helper.close();
  }
}

/** The process-wide helper. */
export const sandboxHelper = new SandboxHelper();
