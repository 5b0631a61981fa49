// Writes a volume's files so that a reader inside a container sees either the old set
// or the new one, never a mix: the shape of Kubernetes' AtomicWriter. The files live in
// a timestamped directory `..2026_01_01_00_00_00.XXXXXX`; `..data` is a symlink to the
// current one and each top-level name is a symlink through `..data`. An update writes a
// new timestamped directory and renames a fresh symlink over `..data` (rename is
// atomic), so the change appears at once in running containers, which bind-mount the
// volume directory itself.

import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidPayloadPathError } from './errors.js';

export interface FileProjection {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** Relative path inside the volume -> contents. */
export type Payload = Map<string, FileProjection>;

const dataLink = '..data';
const tmpLink = '..data_tmp';

export function validatePayloadPath(p: string): void {
  if (p === '' || path.isAbsolute(p) || p.startsWith('..') || p.split('/').includes('..')) throw new InvalidPayloadPathError(p);
}

function timestampPrefix(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}.`;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}

/** Every regular file below dir, as relative paths. */
async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out;
}

async function sameAsCurrent(tsDir: string, payload: Payload, gid: number | undefined): Promise<boolean> {
  try {
    const files = await listFiles(tsDir);
    if (files.length !== payload.size) return false;
    for (const f of files) {
      const want = payload.get(f);
      if (!want) return false;
      const st = await stat(path.join(tsDir, f));
      if ((st.mode & 0o7777) !== want.mode) return false;
      if (gid !== undefined && st.gid !== gid) return false;
      if (!(await readFile(path.join(tsDir, f))).equals(want.data)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

export interface WriteOptions {
  /** Group owning every file and directory written (the pod's fsGroup). Default: unchanged. */
  gid?: number;
  /** Names the timestamped directory. Default: now. */
  now?: Date;
}

/**
 * Makes dir hold exactly payload. Answers false when nothing changed (no new
 * timestamped directory is made then), true after a swap.
 */
export async function writeAtomic(dir: string, payload: Payload, opts: WriteOptions = {}): Promise<boolean> {
  const { gid } = opts;
  const now = opts.now ?? new Date();
  for (const p of payload.keys()) validatePayloadPath(p);
  await mkdir(dir, { recursive: true });
  const current = await readlink(path.join(dir, dataLink)).catch(() => undefined);
  if (current && (await sameAsCurrent(path.join(dir, current), payload, gid))) {
    await linkTopLevel(dir, payload);
    return false;
  }

  const tsDir = await mkdtemp(path.join(dir, timestampPrefix(now)));
  await chmod(tsDir, 0o755);
  if (gid !== undefined) await chown(tsDir, -1, gid);
  for (const [rel, f] of payload) {
    const file = path.join(tsDir, rel);
    const made = await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    if (gid !== undefined && made) await chownUp(tsDir, path.dirname(file), gid);
    await writeFile(file, f.data);
    if (gid !== undefined) await chown(file, -1, gid);
    await chmod(file, f.mode);
  }

  await rm(path.join(dir, tmpLink), { force: true });
  await symlink(path.basename(tsDir), path.join(dir, tmpLink));
  await rename(path.join(dir, tmpLink), path.join(dir, dataLink));

  await linkTopLevel(dir, payload);
  await removeStale(dir, payload, path.basename(tsDir));
  return true;
}

/** chown of every directory from dir up to (not including) top. */
async function chownUp(top: string, dir: string, gid: number): Promise<void> {
  for (let d = dir; d !== top && d.startsWith(top); d = path.dirname(d)) await chown(d, -1, gid);
}

function topLevelNames(payload: Payload): Set<string> {
  return new Set([...payload.keys()].map((p) => p.split('/')[0]!));
}

async function linkTopLevel(dir: string, payload: Payload): Promise<void> {
  for (const name of topLevelNames(payload)) {
    const link = path.join(dir, name);
    if (await exists(link)) continue;
    await symlink(path.join(dataLink, name), link);
  }
}

/** Drops links to names no longer projected and every timestamped directory but the current. */
async function removeStale(dir: string, payload: Payload, currentTs: string): Promise<void> {
  const keep = topLevelNames(payload);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === dataLink || e.name === currentTs) continue;
    if (e.name.startsWith('..')) {
      if (e.isDirectory()) await rm(path.join(dir, e.name), { recursive: true, force: true });
      continue;
    }
    if (!keep.has(e.name) && e.isSymbolicLink()) {
      const target = await readlink(path.join(dir, e.name));
      if (target.startsWith(dataLink + '/')) await unlink(path.join(dir, e.name));
    }
  }
}
