import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArchiveError } from './errors.js';
import { LayerApplier, safeRelative } from './layer-apply.js';
import { readTar } from './tar-reader.js';
import { buildTar, type TarWriteEntry } from './tar-writer.js';
import { tempDir } from './testing/fixtures.js';

async function apply(dir: string, entries: TarWriteEntry[]): Promise<void> {
  async function* one(): AsyncGenerator<Buffer> {
    yield buildTar(entries);
  }
  await new LayerApplier(dir).apply(readTar(one()));
}

// getxattr(2) numbers: x86-64's and the generic table's (arm64).
const GETXATTR = process.arch === 'x64' ? 191 : 8;

function xattr(path: string, name: string): string | undefined {
  try {
    return execFileSync('perl', ['-e', 'my $b = "\\0" x 64; my $n = syscall($ARGV[2], $ARGV[0], $ARGV[1], $b, 64); print substr($b, 0, $n) if $n >= 0', path, name, String(GETXATTR)], { encoding: 'latin1' }) || undefined;
  } catch {
    return undefined;
  }
}

test('files, modes, ownership, symlinks and hardlinks land as in the tar', async (t) => {
  const dir = await tempDir(t);
  await apply(dir, [
    { name: './bin/', type: 'directory', mode: 0o755, mtime: 1000 },
    { name: 'bin/tool', type: 'file', mode: 0o4755, uid: 0, gid: 0, mtime: 1000, data: Buffer.from('#!') },
    { name: 'bin/alias', type: 'symlink', linkname: 'tool' },
    { name: 'bin/hard', type: 'hardlink', linkname: 'bin/tool' },
    { name: 'home/nobody/f', type: 'file', uid: 65534, gid: 65534, mode: 0o600, data: Buffer.from('x') },
    { name: 'tmp', type: 'directory', mode: 0o1777 },
    { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3 },
  ]);
  const tool = await stat(join(dir, 'bin/tool'));
  assert.equal(tool.mode & 0o7777, 0o4755);
  assert.equal(tool.mtimeMs, 1000_000);
  assert.equal(tool.nlink, 2);
  assert.equal((await stat(join(dir, 'bin/hard'))).ino, tool.ino);
  assert.equal(await readlink(join(dir, 'bin/alias')), 'tool');
  assert.equal((await stat(join(dir, 'home/nobody/f'))).uid, 65534);
  assert.equal((await stat(join(dir, 'tmp'))).mode & 0o7777, 0o1777);
  assert.equal((await stat(join(dir, 'bin'))).mtimeMs, 1000_000, 'directory times set after their children');
  await assert.rejects(lstat(join(dir, 'dev/null')), 'device nodes are skipped');
});

test('whiteouts become overlay whiteouts and opaque markers', async (t) => {
  const dir = await tempDir(t);
  await apply(dir, [
    { name: 'etc/.wh.gone', type: 'file' },
    { name: 'var/cache/.wh..wh..opq', type: 'file' },
    { name: 'var/cache/new', type: 'file', data: Buffer.from('n') },
  ]);
  const wh = await lstat(join(dir, 'etc/gone'));
  assert.ok(wh.isCharacterDevice());
  assert.equal(wh.rdev, 0);
  await assert.rejects(lstat(join(dir, 'etc/.wh.gone')));
  await assert.rejects(lstat(join(dir, 'var/cache/.wh..wh..opq')));
  assert.equal(xattr(join(dir, 'var/cache'), 'trusted.overlay.opaque'), 'y');
  assert.equal(await readFile(join(dir, 'var/cache/new'), 'utf8'), 'n');
});

test('paths escaping the root are refused, also through symlinks', async (t) => {
  const base = await tempDir(t);
  const dir = join(base, 'root');
  await mkdir(dir);
  assert.throws(() => safeRelative('../etc/passwd'), InvalidArchiveError);
  assert.equal(safeRelative('/a/./b/../c/'), 'a/c');
  await assert.rejects(apply(dir, [{ name: '../outside', type: 'file', data: Buffer.from('x') }]), InvalidArchiveError);
  await assert.rejects(apply(dir, [
    { name: 'esc', type: 'symlink', linkname: base },
    { name: 'esc/pwned', type: 'file', data: Buffer.from('x') },
  ]), InvalidArchiveError);
  await assert.rejects(lstat(join(base, 'pwned')));
  await assert.rejects(lstat(join(base, 'outside')));
});

test('pax xattrs: user.* and file capabilities applied, trusted.overlay.* from a layer refused', async (t) => {
  const dir = await tempDir(t);
  // cap_net_raw+ep, as setcap writes it (VFS_CAP_REVISION_2).
  const cap = Buffer.from('0000000200200000000000000000000000000000', 'hex');
  await apply(dir, [
    { name: 'bin/ping', type: 'file', mode: 0o755, data: Buffer.from('x'), xattrs: { 'security.capability': cap, 'user.note': Buffer.from('hi') } },
    { name: 'sneaky', type: 'directory', xattrs: { 'trusted.overlay.opaque': Buffer.from('y') } },
  ]);
  assert.equal(xattr(join(dir, 'bin/ping'), 'user.note'), 'hi');
  assert.equal(Buffer.from(xattr(join(dir, 'bin/ping'), 'security.capability') ?? '', 'latin1').toString('hex'), cap.toString('hex'));
  assert.equal(xattr(join(dir, 'sneaky'), 'trusted.overlay.opaque'), undefined);
});
