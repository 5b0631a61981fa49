// hostPath volumes: the host path itself, after the check its `type` asks for
// (Kubernetes' hostPath types; '' checks nothing). The *OrCreate types create what is
// missing: a 0755 directory, or an empty 0644 file (with its parent directories).

import { lstat, mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';

export class HostPathTypeError extends Error {
  constructor(readonly hostPath: string, readonly expected: string) {
    super(`hostPath type check failed: ${hostPath} is not ${expected}`);
    this.name = 'HostPathTypeError';
  }
}

export const hostPathTypes = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] as const;

export class UnknownHostPathTypeError extends Error {
  constructor(readonly type: string) {
    super(`unsupported hostPath type "${type}"`);
    this.name = 'UnknownHostPathTypeError';
  }
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  // stat, not lstat: a symlink to a directory is a directory, as in Kubernetes.
  return stat(p).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') {
      // A dangling symlink exists but cannot be used.
      if (await lstat(p).then(() => true, () => false)) throw e;
      return undefined;
    }
    throw e;
  });
}

/** Checks (and for *OrCreate, creates) hostPath p; answers p. */
export async function prepareHostPath(p: string, type = ''): Promise<string> {
  if (type === '') return p;
  const st = await statOrUndefined(p);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!st) {
        await mkdir(p, { recursive: true, mode: 0o755 });
        return p;
      }
      if (!st.isDirectory()) throw new HostPathTypeError(p, 'a directory');
      return p;
    case 'Directory':
      if (!st?.isDirectory()) throw new HostPathTypeError(p, 'a directory');
      return p;
    case 'FileOrCreate':
      if (!st) {
        await mkdir(path.dirname(p), { recursive: true, mode: 0o755 });
        // 'a' creates without truncating a file that appeared meanwhile.
        await (await open(p, 'a', 0o644)).close();
        return p;
      }
      if (!st.isFile()) throw new HostPathTypeError(p, 'a file');
      return p;
    case 'File':
      if (!st?.isFile()) throw new HostPathTypeError(p, 'a file');
      return p;
    case 'Socket':
      if (!st?.isSocket()) throw new HostPathTypeError(p, 'a socket file');
      return p;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw new HostPathTypeError(p, 'a character device');
      return p;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw new HostPathTypeError(p, 'a block device');
      return p;
    default:
      throw new UnknownHostPathTypeError(type);
  }
}
