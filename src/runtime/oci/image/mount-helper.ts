// mount(2) and umount2(2) without a process per call. Node has no binding for them,
// and spawning mount(8)/umount(8) for every container costs several milliseconds each
// (and more on a loaded machine), a good part of a container's start. So one small perl
// process (perl-base is on every Debian system) lives beside us and makes the calls on
// request, one line each way, in order. It exits when our end of its stdin closes, so it
// never outlives us; while no request is pending it does not keep Node's event loop up.

import { HelperProcess } from '../helper-process.js';


// Syscall numbers: x86-64's own table, and the generic one of arm64 and riscv64.
// open_tree, move_mount and mount_setattr (for idmapped mounts) came after the tables
// were unified: one number on every architecture.
const NR: Partial<Record<string, { mount: number; umount2: number }>> = {
  x64: { mount: 165, umount2: 166 },
  arm64: { mount: 40, umount2: 39 },
  riscv64: { mount: 40, umount2: 39 },
};
const NR_OPEN_TREE = 428, NR_MOVE_MOUNT = 429, NR_MOUNT_SETATTR = 442;

export const MNT_DETACH = 2;

// Arguments travel hex-encoded (paths may hold spaces or newlines); replies are
// "ok" or "err <errno> <message>". chdir first: overlay options name relative paths.
const SCRIPT = String.raw`
use POSIX ();
$| = 1;
my ($M, $U, $OT, $MM, $MS) = @ARGV;
# An idmapped copy of the tree at $src attached at $dst: open_tree(OPEN_TREE_CLONE |
# AT_RECURSIVE | O_CLOEXEC), mount_setattr(MOUNT_ATTR_IDMAP, the user namespace's fd),
# move_mount(MOVE_MOUNT_F_EMPTY_PATH). Scalars, not literals: syscall() may write to them.
sub idmap {
  my ($ns, $src, $dst) = @_;
  open(my $nsfh, '<', $ns) or return 0;
  my $fd = syscall($OT, -100, $src, 1 | 0x8000 | 0x80000);
  return 0 if $fd < 0;
  my ($e1, $e2) = ('', '');
  my $attr = pack('QQQQ', 0x100000, 0, 0, fileno($nsfh));
  my $ok = syscall($MS, $fd, $e1, 0x1000, $attr, 32) == 0 && syscall($MM, $fd, $e2, -100, $dst, 4) == 0;
  my $err = $! + 0;
  POSIX::close($fd);
  $! = $err;
  return $ok;
}
# A bind mount of $src (a file or directory, one mount, not its submounts) on $dst.
sub bindtree {
  my ($src, $dst) = @_;
  my $fd = syscall($OT, -100, $src, 1 | 0x80000);
  return 0 if $fd < 0;
  my $e = '';
  my $ok = syscall($MM, $fd, $e, -100, $dst, 4) == 0;
  my $err = $! + 0;
  POSIX::close($fd);
  $! = $err;
  return $ok;
}
while (defined(my $l = <STDIN>)) {
  chomp $l;
  my ($op, @h) = split / /, $l;
  my @a = map { pack('H*', $_) } @h;
  my $ok = 0;
  if ($op eq 'm') { $ok = chdir($a[0]) && syscall($M, $a[1], $a[2], $a[3], 0, $a[4]) == 0; }
  elsif ($op eq 'u') { $ok = syscall($U, $a[0], 0 + $a[1]) == 0; }
  elsif ($op eq 'i') { $ok = idmap(@a); }
  elsif ($op eq 'b') { $ok = bindtree(@a); }
  else { $! = 22; }
  print $ok ? "ok\n" : ('err ' . ($! + 0) . " $!\n");
}
`;

/** A failed mount(2)/umount2(2): errno's code name (EBUSY, EINVAL, ...) and its text. */
export class MountCallError extends Error {
  constructor(readonly errno: number, readonly code: string, message: string) {
    super(message);
    this.name = 'MountCallError';
  }
}

/** The helper could not run at all (no perl, unknown architecture): callers fall back. */
export class MountHelperUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MountHelperUnavailableError';
  }
}

const ERRNO_CODES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 16: 'EBUSY', 20: 'ENOTDIR', 22: 'EINVAL', 38: 'ENOSYS', 75: 'EOVERFLOW', 95: 'EOPNOTSUPP' };
const hex = (s: string) => Buffer.from(s).toString('hex');

export class MountHelper {
  private readonly helper = new HelperProcess({
    name: 'mount helper',
    argv: () => {
      const nr = NR[process.arch];
      return nr ? ['-e', SCRIPT, String(nr.mount), String(nr.umount2), String(NR_OPEN_TREE), String(NR_MOVE_MOUNT), String(NR_MOUNT_SETATTR)] : { unavailable: `no syscall numbers for ${process.arch}` };
    },
    callError: (errno, message) => new MountCallError(errno, ERRNO_CODES[errno] ?? `errno ${errno}`, message),
    unavailable: (message) => new MountHelperUnavailableError(message),
  });

  /** mount(2) of `source` on `target` with fs-specific `data`; `cwd` resolves its relative paths. */
  mount(source: string, target: string, fstype: string, data: string, cwd = '/'): Promise<void> {
    return this.call(`m ${hex(cwd)} ${hex(source)} ${hex(target)} ${hex(fstype)} ${hex(data)}`, `mount ${target}`);
  }

  /**
   * Attaches at `target` (an existing file or directory) a recursive copy of the mount
   * tree at `source` whose ids are shifted through the user namespace `usernsFile` (a
   * /proc/<pid>/ns/user or a bind mount of one): files owned by host id N appear
   * owned by the id that N has inside that namespace's mapping (kernel 5.12+).
   */
  idmapClone(usernsFile: string, source: string, target: string): Promise<void> {
    return this.call(`i ${hex(usernsFile)} ${hex(source)} ${hex(target)}`, `idmapped mount of ${source} on ${target}`);
  }

  /** A bind mount of `source` on `target` (an existing file or directory), without a mount(8) process. */
  bind(source: string, target: string): Promise<void> {
    return this.call(`b ${hex(source)} ${hex(target)}`, `bind mount of ${source} on ${target}`);
  }

  umount(target: string, flags = 0): Promise<void> {
    return this.call(`u ${hex(target)} ${hex(String(flags))}`, `umount ${target}`);
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
export const mountHelper = new MountHelper();
