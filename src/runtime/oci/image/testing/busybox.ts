// The project's test image: Debian's static busybox with its applets as symlinks, a
// minimal /etc/passwd and /etc/group, and the usual top-level directories. Plus the
// extra layers tests use: one with whiteouts and an opaque directory, a multi-arch
// marker, and a large random layer for the pull benchmark.
import { execFileSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OciImageConfig } from '../media-types.js';
import { buildTar, type TarWriteEntry } from '../tar-writer.js';
import { FIXED_MTIME } from './image-builder.js';

export const BUSYBOX_PATH = '/bin/busybox';
export const BUSYBOX_NAME = 'k8ts.test/busybox:latest';
/** Applets the tests rely on; the layer links every applet busybox has. */
export const REQUIRED_APPLETS = ['sh', 'httpd', 'wget', 'nc', 'nslookup', 'sleep', 'cat', 'ls', 'ps', 'hostname', 'id', 'echo', 'true', 'false', 'mount', 'touch', 'rm', 'top'];

export const BUSYBOX_CONFIG: OciImageConfig = {
  Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  Cmd: ['sh'],
  WorkingDir: '/',
  Labels: { 'org.opencontainers.image.title': 'k8ts test busybox' },
};

const dir = (name: string, mode = 0o755): TarWriteEntry => ({ name, type: 'directory', mode, mtime: FIXED_MTIME });
const file = (name: string, data: string | Buffer, mode = 0o644): TarWriteEntry => ({ name, type: 'file', mode, mtime: FIXED_MTIME, data: Buffer.isBuffer(data) ? data : Buffer.from(data) });
const link = (name: string, target: string): TarWriteEntry => ({ name, type: 'symlink', mode: 0o777, mtime: FIXED_MTIME, linkname: target });

export function applets(busybox = BUSYBOX_PATH): string[] {
  const list = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter((s) => /^[a-z0-9_.[-]+$/.test(s) && s !== 'busybox');
  for (const a of REQUIRED_APPLETS) if (!list.includes(a)) throw new Error(`${busybox} lacks the ${a} applet`);
  return [...new Set(list)].sort();
}

/** The base layer's tar bytes. */
export function busyboxLayer(busybox = BUSYBOX_PATH): Buffer {
  const entries: TarWriteEntry[] = [dir('bin'), file('bin/busybox', readFileSync(busybox), 0o755)];
  for (const a of applets(busybox)) entries.push(link(`bin/${a}`, 'busybox'));
  entries.push(
    dir('dev'), dir('etc'),
    file('etc/group', 'root:x:0:\nnogroup:x:65534:\nnobody:x:65534:\n'),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'),
    dir('home'), dir('proc'), dir('root', 0o700), dir('sys'), dir('tmp', 0o1777),
    dir('usr'), dir('usr/bin'), dir('var'), dir('var/www'),
  );
  return buildTar(entries);
}

/** Files the whiteout layer then deletes (plain whiteout) or hides (opaque dir). */
export function whiteoutBaseLayer(): Buffer {
  return buildTar([
    dir('data'), file('data/keep', 'keep\n'), file('data/remove-me', 'gone\n'),
    dir('data/old-dir'), file('data/old-dir/inner', 'inner\n'),
    dir('opq'), file('opq/old1', 'old\n'), dir('opq/sub'), file('opq/sub/old2', 'old\n'),
    file('hard-a', 'shared inode\n'), { name: 'hard-b', type: 'hardlink', linkname: 'hard-a', mtime: FIXED_MTIME },
  ]);
}

export function whiteoutTopLayer(): Buffer {
  return buildTar([
    dir('data'), file('data/.wh.remove-me', ''), file('data/.wh.old-dir', ''),
    dir('opq'), file('opq/.wh..wh..opq', ''), file('opq/new', 'new\n'),
    file('added', 'added\n'),
  ]);
}

/** A one-file layer, for per-platform markers. */
export function markerLayer(path: string, content: string): Buffer {
  return buildTar([file(path, `${content}\n`)]);
}

/** `bytes` of pseudo-random data (AES-CTR, fixed key: reproducible, incompressible). */
export function randomLayer(bytes: number, seed = 'k8ts'): Buffer {
  const key = Buffer.alloc(32);
  key.write(seed);
  const c = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const data = Buffer.concat([c.update(Buffer.alloc(bytes)), c.final()]);
  return buildTar([dir('data'), file('data/random.bin', data)]);
}
