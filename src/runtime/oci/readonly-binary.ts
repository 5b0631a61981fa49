// The OCI runtime's binary on a read-only bind mount. crun and runc guard against
// CVE-2019-5736 (a container overwriting the host's runtime through /proc/<pid>/exe) by
// copying their own binary into a sealed memfd and executing that copy, at every
// create and exec: another execve and a copy of the binary, about 1 ms of a 5 ms
// `crun run` here. Both skip that step when the binary they run from cannot be written
// anyway: it sits on a read-only mount and _LIBCONTAINER_CLONED_BINARY=1 says it is
// meant to (the way their documentation offers to avoid the copy). A container still
// cannot write the binary: a write through the mount fails with EROFS, and it has no
// other path to it.
//
// The mount lives under /run (gone at reboot), one per host, shared by every runtime
// process; it is made once and checked to be the current binary (an upgrade gives the
// package's file a new inode) at every runtime start.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const READONLY_BIN_DIR = '/run/k8ts/bin';
/** Tells crun/runc that a binary on a read-only mount needs no sealed copy. */
export const CLONED_BINARY_ENV = { _LIBCONTAINER_CLONED_BINARY: '1' } as const;

/** The options of the topmost mount at `path` (mountinfo's 6th field), or undefined. */
function mountOptions(path: string): string[] | undefined {
  let found: string[] | undefined;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[4] === path) found = f[5]!.split(','); // later lines are mounted on top
  }
  return found;
}

function isReadOnlyCopyOf(target: string, source: string): boolean {
  try {
    const s = statSync(source);
    const t = statSync(target);
    return s.ino === t.ino && s.dev === t.dev && (mountOptions(target)?.includes('ro') ?? false);
  } catch {
    return false;
  }
}

/**
 * A read-only bind mount of `source` in `dir`, made if missing or stale; its path, or
 * null (with the reason) when it cannot be made, and callers use `source` itself.
 */
export async function readOnlyBinary(source: string, dir = READONLY_BIN_DIR): Promise<{ path: string } | { path: null; why: string }> {
  const target = join(dir, basename(source));
  if (isReadOnlyCopyOf(target, source)) return { path: target };
  try {
    mkdirSync(dir, { recursive: true });
    // A stale mount (the package was upgraded: its file was replaced) is detached first;
    // processes running the old binary keep it.
    for (let i = 0; i < 4 && mountOptions(target); i++) await run('umount', ['-l', target]);
    try { statSync(target); } catch { writeFileSync(target, '', { mode: 0o755 }); }
    await run('mount', ['--bind', source, target]);
    await run('mount', ['-o', 'remount,bind,ro', target]);
  } catch (e) {
    return { path: null, why: ((e as { stderr?: string }).stderr || (e as Error).message).trim() };
  }
  return isReadOnlyCopyOf(target, source) ? { path: target } : { path: null, why: `${target} is not a read-only mount of ${source}` };
}
