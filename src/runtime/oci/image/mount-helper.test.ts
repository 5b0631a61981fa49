import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MountCallError, MountHelper } from './mount-helper.js';
import { mountOverlay, unmount } from './os-tools.js';
import { isMounted } from './rootfs.js';
import { SnapshotError } from './errors.js';
import { tempDir } from './testing/fixtures.js';

async function overlayDirs(dir: string): Promise<string> {
  for (const d of ['lower', 'upper', 'work', 'merged']) await mkdir(join(dir, d));
  await writeFile(join(dir, 'lower', 'a'), 'from lower');
  return join(dir, 'merged');
}

test('mountOverlay and unmount go through the helper: relative lowerdirs, writes reach the upper dir', async (t) => {
  const dir = await tempDir(t);
  const merged = await overlayDirs(dir);
  await mountOverlay(merged, 'index=off,lowerdir=lower,upperdir=upper,workdir=work', dir);
  assert.equal(await isMounted(merged), true);
  assert.equal(await readFile(join(merged, 'a'), 'utf8'), 'from lower');
  await writeFile(join(merged, 'b'), 'new');
  assert.equal(await readFile(join(dir, 'upper', 'b'), 'utf8'), 'new');
  await unmount(merged);
  assert.equal(await isMounted(merged), false);
  // Unmounting what is not mounted is not an error, as with umount(8).
  await unmount(merged);
  await unmount(join(dir, 'nowhere'));
});

test('a failing mount names the target and the kernel error', async (t) => {
  const dir = await tempDir(t);
  const merged = await overlayDirs(dir);
  await assert.rejects(mountOverlay(merged, 'lowerdir=missing,upperdir=upper,workdir=work', dir), (e: Error) => {
    assert.ok(e instanceof SnapshotError, e.message);
    assert.match(e.message, /merged/);
    return true;
  });
  assert.equal(await isMounted(merged), false);
});

test('the helper answers calls in order, reports errno codes and restarts after close', async (t) => {
  const dir = await tempDir(t);
  const h = new MountHelper();
  t.after(() => h.close());
  const targets = await Promise.all([0, 1, 2].map(async (i) => {
    const d = join(dir, `t${i}`);
    await mkdir(d);
    return d;
  }));
  await Promise.all(targets.map((d) => h.mount('tmpfs', d, 'tmpfs', 'size=1m')));
  for (const d of targets) assert.equal(await isMounted(d), true);
  h.close();
  await assert.rejects(h.umount(join(dir, 'nowhere')), (e: Error) => e instanceof MountCallError && e.code === 'ENOENT');
  await Promise.all(targets.map((d) => h.umount(d)));
  for (const d of targets) assert.equal(await isMounted(d), false);
  await assert.rejects(h.umount(targets[0]!), (e: Error) => e instanceof MountCallError && e.code === 'EINVAL');
});
