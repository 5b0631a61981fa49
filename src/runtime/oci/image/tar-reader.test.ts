import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArchiveError } from './errors.js';
import { readTar, type TarEntry } from './tar-reader.js';
import { buildTar } from './tar-writer.js';
import { setXattr } from './os-tools.js';
import { tempDir } from './testing/fixtures.js';

async function collect(bytes: Buffer, chunk = 700): Promise<Array<Omit<TarEntry, 'body'> & { data: string }>> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  const out = [];
  for await (const e of readTar(chunks())) {
    const parts: Buffer[] = [];
    if (e.name.endsWith('skip-body')) { /* leave the body unread: the reader must skip it */ }
    else for await (const c of e.body) parts.push(c);
    const { body: _b, ...rest } = e;
    out.push({ ...rest, data: Buffer.concat(parts).toString() });
  }
  return out;
}

test('round trip through our writer, with pax long names and odd chunking', async () => {
  const long = `${'d'.repeat(120)}/${'f'.repeat(130)}`;
  const tar = buildTar([
    { name: 'dir', type: 'directory', mode: 0o750, mtime: 1000 },
    { name: 'dir/a', type: 'file', mode: 0o4755, uid: 1, gid: 2, mtime: 1000, data: Buffer.from('hello') },
    { name: 'dir/skip-body', type: 'file', data: Buffer.alloc(1500, 7) },
    { name: long, type: 'file', data: Buffer.from('long') },
    { name: 'ln', type: 'symlink', linkname: 'x'.repeat(150) },
    { name: 'hl', type: 'hardlink', linkname: 'dir/a' },
  ]);
  const es = await collect(tar, 333);
  assert.deepEqual(es.map((e) => e.name), ['dir/', 'dir/a', 'dir/skip-body', long, 'ln', 'hl']);
  assert.equal(es[1]!.data, 'hello');
  assert.equal(es[1]!.mode, 0o4755);
  assert.equal(es[1]!.uid, 1);
  assert.equal(es[3]!.data, 'long');
  assert.equal(es[4]!.linkname, 'x'.repeat(150));
  assert.equal(es[5]!.type, 'hardlink');
});

test('reads archives written by GNU tar (long names, ustar, pax formats)', async (t) => {
  const dir = await tempDir(t);
  const src = join(dir, 'src');
  const deep = join(src, 'a'.repeat(60), 'b'.repeat(60));
  await mkdir(deep, { recursive: true });
  await writeFile(join(deep, 'c'.repeat(90)), 'deep file');
  await symlink('../target', join(src, 'link'));
  for (const format of ['gnu', 'pax', 'ustar']) {
    const out = join(dir, `${format}.tar`);
    execFileSync('tar', ['--format', format, '-C', src, '-cf', out, '.']);
    const es = await collect(await readFile(out), 4096);
    const f = es.find((e) => e.name.endsWith('c'.repeat(90)));
    assert.ok(f, `${format}: long name read`);
    assert.equal(f.data, 'deep file');
    assert.equal(es.find((e) => e.name.endsWith('link'))?.linkname, '../target');
  }
});

test('corrupt headers and truncated bodies are refused', async () => {
  const tar = buildTar([{ name: 'a', type: 'file', data: Buffer.alloc(2000, 1) }]);
  const bad = Buffer.from(tar);
  bad[10] = 0x41;
  await assert.rejects(collect(bad), InvalidArchiveError);
  await assert.rejects(collect(tar.subarray(0, 1200)), InvalidArchiveError);
});

test('xattrs written by GNU tar (pax SCHILY.xattr) come back as bytes', async (t) => {
  const dir = await tempDir(t);
  const src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'f'), 'x');
  await setXattr(join(src, 'f'), 'user.k8ts', Buffer.from([0, 1, 2, 0x3d, 0xff]));
  const out = join(dir, 'x.tar');
  execFileSync('tar', ['--xattrs', '--xattrs-include=user.*', '--format', 'posix', '-C', src, '-cf', out, 'f']);
  const f = (await collect(await readFile(out))).find((e) => e.name === 'f');
  assert.deepEqual(f?.xattrs['user.k8ts'], Buffer.from([0, 1, 2, 0x3d, 0xff]));
});
