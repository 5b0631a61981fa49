// A sandbox's namespaces inside a new user namespace, without a process started per pod.
// One small perl process (perl-base is on every Debian system) lives beside us; per
// request it mounts the sandbox's shm tmpfs and forks a child that unshares the user, IPC, UTS (and network) namespaces at
// once and waits. The parent, host root, writes the child's uid and gid maps (no
// newuidmap, no /etc/subuid) and bind-mounts its namespace files onto the sandbox's, so
// they outlive it; then it lets the child go on. The child, having unshared, holds the
// full capabilities a new user namespace gives its creator (it never execs), so it names
// the host and raises loopback itself (sethostname(2), two ioctls) and exits.
//
// One request per line, hex-encoded arguments, "ok" or "err <errno> <message>" back, in
// order; it exits when our end of its stdin closes, and keeps Node's event loop up only
// while a reply is awaited. Callers fall back to commands when it cannot run.

import { HelperProcess } from './helper-process.js';


// unshare(2), sethostname(2), mount(2): x86-64's own numbers, and the generic table's.
const NR: Partial<Record<string, { unshare: number; sethostname: number; mount: number }>> = {
  x64: { unshare: 272, sethostname: 170, mount: 165 },
  arm64: { unshare: 97, sethostname: 161, mount: 40 },
  riscv64: { unshare: 97, sethostname: 161, mount: 40 },
};

const CLONE_NEWUSER = 0x10000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUTS = 0x04000000, CLONE_NEWNET = 0x40000000;

// The child says "r" once unshared and reads "g" (go on) or anything else (give up).
// SIOCGIFFLAGS/SIOCSIFFLAGS (0x8913/0x8914) on a struct ifreq (16-byte name, 24-byte
// union). Scalars rather than literals in syscall(): perl passes a string's buffer.
const SCRIPT = String.raw`
use POSIX ();
$| = 1;
my ($UNS, $SHN, $MNT) = @ARGV;
sub child {
  my ($flags, $host, $lo, $rd, $wr) = @_;
  syscall($UNS, 0 + $flags) == 0 or POSIX::_exit(($! + 0) || 5);
  syswrite($wr, 'r');
  my $b = '';
  POSIX::_exit(125) unless sysread($rd, $b, 1) == 1 && $b eq 'g';
  syscall($SHN, $host, length($host)) == 0 or POSIX::_exit(($! + 0) || 5);
  if ($lo) {
    my $r = pack('a16 x24', 'lo');
    my $s;
    socket($s, 2, 2, 0) && ioctl($s, 0x8913, $r) or POSIX::_exit(($! + 0) || 5);
    my $f = unpack('x16 s', $r);
    $r = pack('a16 s x22', 'lo', $f | 1);
    ioctl($s, 0x8914, $r) or POSIX::_exit(($! + 0) || 5);
  }
  POSIX::_exit(0);
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
  if (length($shm)) {
    my ($s, $t) = ('shm', 'tmpfs');
    return 0 unless syscall($MNT, $s, $shm, $t, 2 | 4 | 8, $shmopts) == 0;
  }
  pipe(my $cr, my $pw) or return 0;
  pipe(my $pr, my $cw) or return 0;
  my $pid = fork();
  return 0 unless defined $pid;
  if ($pid == 0) { close($pw); close($pr); child($flags, $host, $lo, $cr, $cw); }
  close($cr); close($cw);
  my $b = '';
  my $ok = sysread($pr, $b, 1) == 1;
  $ok = $ok && setmap("/proc/$pid/uid_map", $uidmap) && setmap("/proc/$pid/gid_map", $gidmap);
  while ($ok && @binds) {
    my ($kind, $file) = splice(@binds, 0, 2);
    my ($src, $t, $d) = ("/proc/$pid/ns/$kind", '', '');
    $ok = syscall($MNT, $src, $file, $t, 4096, $d) == 0;
  }
  my $err = $! + 0;
  syswrite($pw, $ok ? 'g' : 'x');
  close($pw); close($pr);
  waitpid($pid, 0);
  if (!$ok) { $! = $err || 5; return 0; }
  return 1 if $? == 0;
  $! = ($? >> 8) || 5;
  return 0;
}
while (defined(my $l = <STDIN>)) {
  chomp $l;
  my ($op, @h) = split / /, $l;
  my @a = map { pack('H*', $_) } @h;
  my $ok = 0;
  if ($op eq 'u') { $ok = userns(@a); } else { $! = 22; }
  print $ok ? "ok\n" : ('err ' . ($! + 0) . " $!\n");
}
`;

export interface UserNamespaceRequest {
  /** A tmpfs mounted here (nosuid, nodev, noexec) with these options, e.g. mode=1777,size=N. */
  shm?: { path: string; options: string };
  hostname: string;
  /** /proc/<pid>/uid_map and gid_map text. */
  uidMap: string;
  gidMap: string;
  /** Existing files onto which the new namespaces are bind-mounted. */
  user: string;
  ipc: string;
  uts: string;
  /** Absent: no network namespace (the host's network), no loopback to raise. */
  net?: string;
}

const hex = (s: string) => Buffer.from(s).toString('hex');

export class UserNamespaceHelper {
  private readonly helper = new HelperProcess({
    name: 'user namespace helper',
    argv: () => {
      const nr = NR[process.arch];
      return nr ? ['-e', SCRIPT, String(nr.unshare), String(nr.sethostname), String(nr.mount)] : { unavailable: `no syscall numbers for ${process.arch}` };
    },
  });

  /** Makes the namespaces and binds their files; on error the caller tears down what exists. */
  create(r: UserNamespaceRequest): Promise<void> {
    const flags = CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | (r.net ? CLONE_NEWNET : 0);
    const binds = ['user', r.user, 'ipc', r.ipc, 'uts', r.uts, ...(r.net ? ['net', r.net] : [])];
    const args = [r.shm?.path ?? '', r.shm?.options ?? '', String(flags), r.hostname, r.net ? '1' : '', r.uidMap, r.gidMap, ...binds];
    return this.call(`u ${args.map(hex).join(' ')}`, `user namespace sandbox on ${r.user}`);
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
export const userNamespaceHelper = new UserNamespaceHelper();
