import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMountPoint, mountsUnder, tmpfsOptions } from '../kubelet/volumes/mounts.js';
import { MountHelper, MountHelperUnavailableError } from '../runtime/oci/image/mount-helper.js';
import { helperVolumeMounter } from './helper-mounter.js';

async function withDir(t: { after(fn: () => Promise<void> | void): void }, helper?: MountHelper): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-helper-mounter-'));
  t.after(async () => {
    for (const m of await mountsUnder(dir)) await new MountHelper().umount(m).catch(() => {});
    helper?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

test('a volume tmpfs through the mount helper: mounted with its size and mode, unmounted, and a second unmount succeeds', async (t) => {
  const helper = new MountHelper();
  const dir = await withDir(t, helper);
  const m = helperVolumeMounter(helper);
  await m.mountTmpfs(dir, tmpfsOptions(1 << 20));
  assert.equal(await isMountPoint(dir), true);
  writeFileSync(join(dir, 'token'), 'x');
  assert.throws(() => writeFileSync(join(dir, 'big'), Buffer.alloc(2 << 20)), /ENOSPC/, 'the size option took');
  await m.unmount(dir);
  assert.equal(await isMountPoint(dir), false);
  await m.unmount(dir);
});

test('where the helper cannot run, the commands do the job; other helper errors are reported', async (t) => {
  const dir = await withDir(t);
  const unavailable = {
    mount: () => Promise.reject(new MountHelperUnavailableError('no perl here')),
    umount: () => Promise.reject(new MountHelperUnavailableError('no perl here')),
  } as unknown as MountHelper;
  const m = helperVolumeMounter(unavailable);
  await m.mountTmpfs(dir, tmpfsOptions(1 << 20));
  assert.equal(await isMountPoint(dir), true, 'mount(8) mounted it');
  await m.unmount(dir);
  assert.equal(await isMountPoint(dir), false, 'umount(8) unmounted it');
  const helper = new MountHelper();
  t.after(() => helper.close());
  await assert.rejects(helperVolumeMounter(helper).mountTmpfs(join(dir, 'missing'), tmpfsOptions(1 << 20)), /ENOENT|No such file/);
});
