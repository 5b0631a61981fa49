// A sandbox's namespaces and /dev/shm without a process chain per pod. Made with
// commands, a sandbox costs `mount` (shm), then `unshare`, `sh`, `hostname` and `ip`
// (name the host, raise loopback): five programs started and waited for, a good part of
// a pod's start on a busy node. Here one small perl process (perl-base is on every Debian
// system) lives beside us; per sandbox it mounts the shm tmpfs itself and forks a child
// that unshares IPC, UTS and network namespaces, sets the host name, raises `lo` with
// two ioctls and bind-mounts its /proc/self/ns files onto the sandbox's files, so the
// namespaces outlive it. A fork of a small perl costs a fraction of one exec.
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

const CLONE_NEWIPC = 0x08000000, CLONE_NEWUTS = 0x04000000, CLONE_NEWNET = 0x40000000;

// SIOCGIFFLAGS/SIOCSIFFLAGS (0x8913/0x8914) on a struct ifreq (16-byte name, 24-byte union).
// Scalars rather than literals in syscall(): perl passes a string's buffer, a number as is.
const SCRIPT = String.raw`
use POSIX ();
$| = 1;
my ($UNS, $SHN, $MNT) = @ARGV;
sub netns_child {
  my ($flags, $host, $lo, @binds) = @_;
  my $ok = syscall($UNS, 0 + $flags) == 0;
  $ok = syscall($SHN, $host, length($host)) == 0 if $ok && length($host);
  if ($ok && $lo) {
    my $r = pack('a16 x24', 'lo');
    my $s;
    $ok = socket($s, 2, 2, 0) && ioctl($s, 0x8913, $r);
    if ($ok) { my $f = unpack('x16 s', $r); $r = pack('a16 s x22', 'lo', $f | 1); $ok = ioctl($s, 0x8914, $r); }
  }
  while ($ok && @binds) {
    my ($kind, $file) = splice(@binds, 0, 2);
    my ($src, $t, $d) = ("/proc/self/ns/$kind", '', '');
    $ok = syscall($MNT, $src, $file, $t, 4096, $d) == 0;
  }
  POSIX::_exit($ok ? 0 : (($! + 0) || 5));
}
sub sandbox {
  my ($shm, $shmopts, $flags, $host, $lo, @binds) = @_;
  if (length($shm)) {
    my ($s, $t) = ('shm', 'tmpfs');
    return 0 unless syscall($MNT, $s, $shm, $t, 2 | 4 | 8, $shmopts) == 0;
  }
  my $pid = fork();
  return 0 unless defined $pid;
  netns_child($flags, $host, $lo, @binds) if $pid == 0;
  waitpid($pid, 0);
  return 1 if $? == 0;
  $! = ($? >> 8) || 5;
  return 0;
}
while (defined(my $l = <STDIN>)) {
  chomp $l;
  my ($op, @h) = split / /, $l;
  my @a = map { pack('H*', $_) } @h;
  my $ok = 0;
  if ($op eq 's') { $ok = sandbox(@a); } else { $! = 22; }
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
    return this.call(`s ${args.map(hex).join(' ')}`, `sandbox namespaces on ${r.uts}`);
  }

  /** Ends the helper once its pending calls are answered; the next call starts another. */
  close(): void {
    this.helper.close();
  }

  private call(line: string, what: string): Promise<void> {
    return this.helper.call(line, what);
  }
}

/** The process-wide helper. */
export const sandboxHelper = new SandboxHelper();
