// Container roots on real overlayfs mounts over snapshots imported from the test images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, readFile, readdir, stat, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageStore } from './image-store.js';
import { mountsUnder, tempDir, writeTestImages } from './testing/fixtures.js';

async function setup(t: { after(f: () => Promise<void>): void }): Promise<{ root: string; store: ImageStore; images: Awaited<ReturnType<typeof writeTestImages>> }> {
  const dir = await tempDir(t);
  const images = await writeTestImages(dir);
  const root = join(dir, 'store');
  return { root, store: new ImageStore({ root }), images };
}

test('two containers of one image share the lower snapshot; writes stay in each upper', async (t) => {
  const { root, store } = await setup(t);
  const dir = join(root, '..');
  const [img] = await store.importArchive(join(dir, 'busybox-oci.tar'));
  assert.ok(img);
  const a = await store.prepareRootfs('ctr-a', img.id);
  const b = await store.prepareRootfs('ctr-b', img.id);
  const rec = await store.getRecord(img.id);
  const snap = store.snapshots.path(rec!.chainIds[0]!);
  // The busybox binary seen in both roots is the snapshot's very inode (no copy).
  const ino = (await stat(join(snap, 'bin/busybox'))).ino;
  assert.equal((await stat(join(a.rootfs, 'bin/busybox'))).ino, ino);
  assert.equal((await stat(join(b.rootfs, 'bin/busybox'))).ino, ino);
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  const lowers = mounts.split('\n').filter((l) => l.includes(a.rootfs) || l.includes(b.rootfs));
  assert.equal(lowers.length, 2);

  await writeFile(join(a.rootfs, 'etc/passwd'), 'changed\n');
  await writeFile(join(a.rootfs, 'tmp/only-a'), 'a');
  await rm(join(a.rootfs, 'bin/ls'));
  assert.equal(await readFile(join(b.rootfs, 'etc/passwd'), 'utf8').then((s) => s.startsWith('root:')), true, 'b unaffected');
  await assert.rejects(lstat(join(b.rootfs, 'tmp/only-a')));
  assert.ok((await lstat(join(b.rootfs, 'bin/ls'))).isSymbolicLink());
  assert.match(await readFile(join(snap, 'etc/passwd'), 'utf8'), /^root:/, 'snapshot unaffected');
  assert.ok((await lstat(join(snap, 'bin/ls'))).isSymbolicLink());
  assert.equal(await readFile(join(root, 'containers/ctr-a/upper/etc/passwd'), 'utf8'), 'changed\n');
  // The image's busybox really runs from the container root.
  assert.equal(execFileSync('chroot', [b.rootfs, '/bin/sh', '-c', 'cat /etc/passwd | head -1; id -u'], { encoding: 'utf8' }), 'root:x:0:0:root:/root:/bin/sh\n0\n');

  await store.releaseRootfs('ctr-a');
  await store.releaseRootfs('ctr-b');
  assert.deepEqual(await mountsUnder(root), [], 'nothing left mounted');
  assert.deepEqual(await readdir(join(root, 'containers')), []);
  assert.ok((await stat(join(snap, 'bin/busybox'))).isFile(), 'snapshot kept after release');
  await store.releaseRootfs('ctr-a'); // idempotent
});

test('whiteouts and opaque directories delete what they should through the stack', async (t) => {
  const { root, store } = await setup(t);
  const [img] = await store.importArchive(join(root, '..', 'whiteout-oci.tar'));
  assert.ok(img);
  const { rootfs } = await store.prepareRootfs('wh', img.id);
  assert.deepEqual((await readdir(join(rootfs, 'data'))).sort(), ['keep']);
  assert.deepEqual(await readdir(join(rootfs, 'opq')), ['new'], 'opaque dir hides old1 and sub/');
  assert.equal(await readFile(join(rootfs, 'added'), 'utf8'), 'added\n');
  assert.equal((await stat(join(rootfs, 'hard-a'))).ino, (await stat(join(rootfs, 'hard-b'))).ino, 'hardlink kept');
  assert.ok((await stat(join(rootfs, 'bin/busybox'))).isFile(), 'lowest layer still visible');
  // The lower layer's snapshot still has the files: deletion is only in the stack.
  const rec = await store.getRecord(img.id);
  assert.ok((await stat(join(store.snapshots.path(rec!.chainIds[1]!), 'data/remove-me'))).isFile());
  await store.releaseRootfs('wh');
  assert.deepEqual(await mountsUnder(root), []);
});

test('read-only roots refuse writes; release leaves no mount', async (t) => {
  const { root, store } = await setup(t);
  const [img] = await store.importArchive(join(root, '..', 'busybox-docker.tar'));
  assert.ok(img);
  const { rootfs } = await store.prepareRootfs('ro', img.id, { readOnly: true });
  await assert.rejects(writeFile(join(rootfs, 'tmp/x'), 'x'), /EROFS/);
  assert.ok((await stat(join(rootfs, 'bin/sh'))).isFile());
  await store.releaseRootfs('ro');
  assert.deepEqual(await mountsUnder(root), []);
  assert.ok(!(await readFile('/proc/mounts', 'utf8')).includes(rootfs));
});

test('an image of 100 layers mounts (short lowerdir links), the top layer winning', async (t) => {
  const dir = await tempDir(t);
  const { buildTar } = await import('./tar-writer.js');
  const { buildImage, entryOf, ociArchive } = await import('./testing/image-builder.js');
  const layers = Array.from({ length: 100 }, (_, i) => buildTar([
    { name: 'top', type: 'file', data: Buffer.from(String(i)) },
    { name: `only-${i}`, type: 'file', data: Buffer.from('x') },
  ]));
  const archive = join(dir, 'tall.tar');
  await writeFile(archive, ociArchive([entryOf('k8ts.test/tall:1', buildImage({ layers, gzip: false }))]));
  const store = new ImageStore({ root: join(dir, 'store') });
  const [img] = await store.importArchive(archive);
  const { rootfs } = await store.prepareRootfs('tall', img!.id);
  assert.equal(await readFile(join(rootfs, 'top'), 'utf8'), '99');
  assert.equal((await readdir(rootfs)).filter((n) => n.startsWith('only-')).length, 100);
  await store.releaseRootfs('tall');
  assert.deepEqual(await mountsUnder(dir), []);
});
