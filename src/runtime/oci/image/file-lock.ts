// A lock file between processes sharing one store root: created with O_EXCL, holding
// the owner's pid so a lock left by a dead process is broken rather than waited on.
import { open, readFile, unlink } from 'node:fs/promises';
import { SnapshotError } from './errors.js';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Try once; false if a live process (this one included) holds it. */
export async function tryLock(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      // An empty file is a lock being written right now: treat it as held.
      if (!(pid > 0) || pidAlive(pid)) return false;
      await unlink(path).catch(() => undefined); // its owner is gone
    }
  }
  return false;
}

/** Run fn holding the lock, waiting up to `timeoutMs` (default 30 s) for it. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2; !(await tryLock(path)); wait = Math.min(wait * 2, 100)) {
    if (Date.now() > deadline) throw new SnapshotError(`timed out waiting for lock ${path}`);
    await new Promise((r) => setTimeout(r, wait));
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
