// Unpack one layer's tar entries into an empty snapshot directory, converting OCI
// whiteouts to overlayfs' own convention so stacked lowerdirs behave right:
//   .wh.<name>    -> character device 0/0 at <name>
//   .wh..wh..opq  -> xattr trusted.overlay.opaque=y on the directory
// Paths that would land outside the directory (.., or through a symlink) are refused.
import { createWriteStream } from 'node:fs';
import { chmod, link, lchown, lstat, lutimes, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import { once } from 'node:events';
import { posix, join } from 'node:path';
import { InvalidArchiveError } from './errors.js';
import { mkfifo, mknodWhiteout, setXattr } from './os-tools.js';
import type { TarEntry } from './tar-reader.js';

const WHITEOUT = '.wh.';

/**
 * Extended attributes a layer may set. Never trusted.* : trusted.overlay.* would let
 * a layer forge whiteouts, opaque dirs or redirects in the overlay stack.
 */
export function allowedXattr(name: string): boolean {
  return name === 'security.capability' || name.startsWith('user.');
}
const OPAQUE = '.wh..wh..opq';

export interface ApplyStats {
  files: number;
  whiteouts: number;
  skippedDevices: number;
  xattrs: number;
}

/** Normalise a tar path to a relative one inside the root; throws if it escapes. */
export function safeRelative(name: string): string {
  // Leading slashes mean the layer's root; `..` that climbs above it is an attack.
  const n = posix.normalize(name.replace(/^\/+/, '') || '.').replace(/\/+$/, '');
  if (n === '.') return '';
  if (n.split('/').includes('..')) throw new InvalidArchiveError(`path escapes the root: ${name}`);
  return n;
}

/**
 * Applies one layer into an EMPTY directory (a fresh snapshot): since nothing is
 * there but what this layer wrote, only paths it wrote before need clearing, which
 * saves an lstat per entry.
 */
export class LayerApplier {
  /** Directories known to be real directories (not symlinks) inside the root. */
  private readonly realDirs = new Set<string>(['']);
  /** Non-directory paths this layer has created. */
  private readonly written = new Set<string>();
  /** Directories with the setgid bit: new files there do not get group 0 by default. */
  private readonly setgidDirs = new Set<string>();
  private readonly dirTimes: Array<{ path: string; mtime: number }> = [];
  private readonly chown = process.getuid?.() === 0;
  readonly stats: ApplyStats = { files: 0, whiteouts: 0, skippedDevices: 0, xattrs: 0 };

  constructor(private readonly root: string) {}

  async apply(entries: AsyncIterable<TarEntry>): Promise<ApplyStats> {
    for await (const e of entries) await this.entry(e);
    // Directory times last: creating their children changed them.
    for (const d of this.dirTimes.reverse()) await utimes(d.path, d.mtime, d.mtime).catch(() => undefined);
    return this.stats;
  }

  private async entry(e: TarEntry): Promise<void> {
    const rel = safeRelative(e.name);
    if (rel === '') return; // the root itself: its attributes come from the mount point
    const parent = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    const base = posix.basename(rel);
    await this.ensureDir(parent);
    const abs = join(this.root, rel);
    if (base === OPAQUE) {
      await setXattr(join(this.root, parent), 'trusted.overlay.opaque', 'y');
      this.stats.whiteouts++;
      return;
    }
    if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) return; // aufs bookkeeping (.wh..wh.plnk, ...)
    if (base.startsWith(WHITEOUT)) {
      const name = base.slice(WHITEOUT.length);
      if (name === '' || name === '.' || name === '..') throw new InvalidArchiveError(`bad whiteout ${e.name}`);
      const target = parent === '' ? name : `${parent}/${name}`;
      await this.clear(target);
      await mknodWhiteout(join(this.root, target));
      this.written.add(target);
      this.stats.whiteouts++;
      return;
    }
    switch (e.type) {
      case 'directory': {
        if (!this.realDirs.has(rel)) {
          await this.clear(rel);
          await mkdir(abs);
          this.realDirs.add(rel);
        }
        if (e.mode & 0o2000) this.setgidDirs.add(rel);
        else this.setgidDirs.delete(rel);
        await this.attrs(abs, parent, e, true);
        this.dirTimes.push({ path: abs, mtime: e.mtime });
        return;
      }
      case 'file': {
        await this.clear(rel);
        const out = createWriteStream(abs, { mode: 0o600 });
        for await (const c of e.body) if (!out.write(c)) await once(out, 'drain');
        out.end();
        await once(out, 'close');
        this.written.add(rel);
        await this.attrs(abs, parent, e, false);
        this.stats.files++;
        return;
      }
      case 'symlink':
        await this.clear(rel);
        await symlink(e.linkname, abs);
        this.written.add(rel);
        if (this.needsChown(parent, e)) await lchown(abs, e.uid, e.gid);
        await lutimes(abs, e.mtime, e.mtime).catch(() => undefined);
        return;
      case 'hardlink': {
        const target = safeRelative(e.linkname);
        const tparent = posix.dirname(target) === '.' ? '' : posix.dirname(target);
        if (!this.realDirs.has(tparent)) await this.ensureDir(tparent);
        const tabs = join(this.root, target);
        if (!(await lstat(tabs).catch(() => undefined))) throw new InvalidArchiveError(`hardlink ${e.name} -> ${e.linkname}: target not in this layer`);
        await this.clear(rel);
        await link(tabs, abs);
        this.written.add(rel);
        return;
      }
      case 'fifo':
        await this.clear(rel);
        await mkfifo(abs, e.mode);
        this.written.add(rel);
        await this.attrs(abs, parent, e, false);
        return;
      case 'char':
      case 'block':
        // The runtime mounts its own /dev; device nodes from images are not needed.
        this.stats.skippedDevices++;
        return;
    }
  }

  /** Make sure `rel` is a real directory inside the root, creating missing parents. */
  private async ensureDir(rel: string): Promise<void> {
    if (this.realDirs.has(rel)) return;
    const parent = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    await this.ensureDir(parent);
    const abs = join(this.root, rel);
    if (this.written.has(rel)) {
      // Something this layer wrote stands where a parent directory must be.
      if ((await lstat(abs)).isSymbolicLink()) throw new InvalidArchiveError(`path goes through a symlink: ${rel}`);
      await this.clear(rel);
    }
    await mkdir(abs, { mode: 0o755 });
    this.realDirs.add(rel);
  }

  /** Remove what this layer put at rel before (a later entry replaces an earlier one). */
  private async clear(rel: string): Promise<void> {
    const abs = join(this.root, rel);
    if (this.written.delete(rel)) {
      await rm(abs, { force: true });
      return;
    }
    if (!this.realDirs.has(rel)) return;
    for (const set of [this.realDirs, this.written, this.setgidDirs]) {
      for (const d of set) if (d === rel || d.startsWith(`${rel}/`)) set.delete(d);
    }
    await rm(abs, { recursive: true, force: true });
  }

  /** New files are root:root already when we are root, unless a setgid parent says otherwise. */
  private needsChown(parent: string, e: TarEntry): boolean {
    return this.chown && (e.uid !== 0 || e.gid !== 0 || this.setgidDirs.has(parent));
  }

  private async attrs(abs: string, parent: string, e: TarEntry, dir: boolean): Promise<void> {
    // chown first: it clears setuid/setgid bits and file capabilities.
    if (this.needsChown(parent, e)) await lchown(abs, e.uid, e.gid);
    // Files are created 0600 and dirs 0755 minus umask, so the mode is always set.
    await chmod(abs, e.mode);
    for (const [name, value] of Object.entries(e.xattrs)) {
      if (!allowedXattr(name)) continue;
      await setXattr(abs, name, value);
      this.stats.xattrs++;
    }
    if (!dir) await utimes(abs, e.mtime, e.mtime);
  }
}
