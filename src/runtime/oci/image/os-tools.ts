// The few file-system operations Node has no API for: device nodes (mknod), fifos,
// extended attributes, and mount/umount. Each shells out to a tool every Debian system
// has (coreutils, perl-base, mount); the callers keep such calls rare.
import { spawn } from 'node:child_process';
import { SnapshotError } from './errors.js';
import { MNT_DETACH, MountCallError, MountHelperUnavailableError, mountHelper } from './mount-helper.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', (e) => reject(new SnapshotError(`cannot run ${cmd}: ${e.message}`, { cause: e })));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function runOk(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<void> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new SnapshotError(`${cmd} ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
}

/** The overlay whiteout: a character device 0/0. */
export async function mknodWhiteout(path: string): Promise<void> {
  await runOk('mknod', [path, 'c', '0', '0']);
}

export async function mkfifo(path: string, mode: number): Promise<void> {
  await runOk('mkfifo', ['-m', (mode & 0o7777).toString(8), path]);
}

// setxattr(2) numbers: the generic table (arm64, riscv64) and x86-64's own.
const SETXATTR: Partial<Record<string, number>> = { x64: 188, arm64: 5, riscv64: 5 };

/**
 * setxattr(2) through perl's syscall(), since Node has no xattr API. The value goes
 * as hex (arguments cannot carry NUL bytes); lsetxattr is not needed: symlinks get
 * no xattrs from us.
 */
export async function setXattr(path: string, name: string, value: string | Buffer): Promise<void> {
  const hex = (Buffer.isBuffer(value) ? value : Buffer.from(value)).toString('hex');
  const nr = SETXATTR[process.arch];
  if (nr === undefined) return runOk('setfattr', ['-n', name, '-v', `0x${hex}`, path]);
  const script = 'my ($nr,$p,$n,$h)=@ARGV; my $v = pack("H*", $h); syscall($nr,$p,$n,$v,length($v),0)==0 or die "$!\\n"';
  await runOk('perl', ['-e', script, String(nr), path, name, hex]);
}

/**
 * An overlay mount; cwd lets the options use short relative paths. `options` are the
 * file system's own (lowerdir, upperdir, ...): generic flags such as ro go through
 * mount(8), which turns them into mount flags.
 */
export async function mountOverlay(target: string, options: string, cwd: string): Promise<void> {
  if (!/(^|,)(ro|rw|nosuid|nodev|noexec|relatime|noatime|remount|bind)(,|$)/.test(options)) try {
    return await mountHelper.mount('overlay', target, 'overlay', options, cwd);
  } catch (e) {
    if (e instanceof MountCallError) throw new SnapshotError(`mount overlay on ${target} failed: ${e.message}`, { cause: e });
    if (!(e instanceof MountHelperUnavailableError)) throw e;
  }
  await runOk('mount', ['-t', 'overlay', 'overlay', '-o', options, target], { cwd });
}

/** Unmount; retries briefly when busy, then detaches lazily so nothing stays mounted. */
export async function unmount(target: string): Promise<void> {
  try {
    return await unmountCall(target);
  } catch (e) {
    if (!(e instanceof MountHelperUnavailableError)) throw e;
  }
  for (let i = 0; i < 5; i++) {
    const r = await run('umount', [target]);
    if (r.code === 0) return;
    if (/not mounted|no mount point|not found/i.test(r.stderr)) return;
    await new Promise((res) => setTimeout(res, 50 * (i + 1)));
  }
  await runOk('umount', ['-l', target]);
}

/** unmount through the helper, with the same retries and lazy detach as the command. */
async function unmountCall(target: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    try {
      return await mountHelper.umount(target);
    } catch (e) {
      if (!(e instanceof MountCallError)) throw e;
      // Not a mount point (EINVAL) or gone (ENOENT): nothing to undo, as umount(8) reports.
      if (e.code === 'EINVAL' || e.code === 'ENOENT') return;
      if (e.code !== 'EBUSY') throw new SnapshotError(`umount ${target} failed: ${e.message}`, { cause: e });
    }
    await new Promise((res) => setTimeout(res, 50 * (i + 1)));
  }
  try {
    await mountHelper.umount(target, MNT_DETACH);
  } catch (e) {
    throw new SnapshotError(`umount -l ${target} failed: ${(e as Error).message}`, { cause: e });
  }
}
