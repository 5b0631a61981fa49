// Idmapped views through the mount helper, without a container: a real user namespace
// (held by `unshare --user`, maps written as host root), real idmapped mounts on ext4.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chownMountPoints, ensureSearchable, hostRoot, idmapBindMounts, IdmapError, releaseIdmapped } from './idmap.js';
import { mountHelper, MNT_DETACH } from './image/mount-helper.js';

const HOST = 400000;

/** A user namespace mapping 0..65535 to HOST.., bind-mounted at <dir>/userns. */
async function userns(t: { after(fn: () => Promise<void>): void }): Promise<{ dir: string; ns: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-idmap-'));
  const ns = join(dir, 'userns');
  writeFileSync(ns, '');
  t.after(async () => {
    const info = await readFile('/proc/self/mountinfo', 'utf8');
    for (const m of info.split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => !!m && m.startsWith(dir)).sort((a, b) => b.length - a.length)) {
      await mountHelper.umount(m, MNT_DETACH).catch(() => {});
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const holder = spawn('unshare', ['--user', 'sh', '-c', 'read x'], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    const ours = readlinkSync('/proc/self/ns/user');
    for (let i = 0; i < 500; i++) {
      let theirs = ours;
      try { theirs = readlinkSync(`/proc/${holder.pid}/ns/user`); } catch { /* not yet */ }
      if (theirs !== ours) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    writeFileSync(`/proc/${holder.pid}/uid_map`, `0 ${HOST} 65536\n`);
    writeFileSync(`/proc/${holder.pid}/gid_map`, `0 ${HOST} 65536\n`);
    await mountHelper.bind(`/proc/${holder.pid}/ns/user`, ns);
  } finally {
    holder.stdin!.end('\n');
  }
  return { dir, ns };
}

test('idmap: bind sources get shifted views, released without touching the sources', async (t) => {
  const { dir, ns } = await userns(t);
  const vol = join(dir, 'vol');
  mkdirSync(vol);
  writeFileSync(join(vol, 'f'), 'data\n');
  const file = join(dir, 'hosts');
  writeFileSync(file, 'hosts\n');
  const mounts = [
    { type: 'bind', source: vol, destination: '/vol' },
    { type: 'tmpfs', source: 'tmpfs', destination: '/dev' },
    { type: 'bind', source: file, destination: '/etc/hosts' },
    { type: 'bind', source: join(dir, 'missing'), destination: '/missing' },
  ];
  const views = join(dir, 'views');
  await idmapBindMounts(views, ns, mounts);
  assert.equal(mounts[0]!.source, join(views, '0'));
  assert.equal(mounts[1]!.source, 'tmpfs');
  assert.equal(mounts[2]!.source, join(views, '1'));
  assert.equal(mounts[3]!.source, join(dir, 'missing'), 'a missing source is left for the OCI runtime to report');
  // Host root's files show as the range's root through the views; the sources do not change.
  assert.equal(statSync(join(views, '0', 'f')).uid, HOST);
  assert.equal(statSync(join(views, '1')).uid, HOST);
  assert.equal(readFileSync(join(views, '1'), 'utf8'), 'hosts\n');
  assert.equal(statSync(join(vol, 'f')).uid, 0);

  await releaseIdmapped(views);
  assert.ok(!existsSync(views));
  assert.equal(readFileSync(join(vol, 'f'), 'utf8'), 'data\n', 'the volume is intact');
  assert.ok(!(await readFile('/proc/self/mountinfo', 'utf8')).includes(views));
  await releaseIdmapped(views); // absent is fine
});

test('idmap: a bad namespace file is a named error and leaves no view', async (t) => {
  const { dir } = await userns(t);
  const notNs = join(dir, 'plain');
  writeFileSync(notNs, '');
  const views = join(dir, 'views');
  await assert.rejects(idmapBindMounts(views, notNs, [{ type: 'bind', source: dir, destination: '/x' }]), IdmapError);
  assert.ok(!existsSync(views));
});

test('idmap: mount points host root made are given to the range root; others and symlinks untouched', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-idmap-chown-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'var', 'run', 'secrets'), { recursive: true });
  writeFileSync(join(dir, 'var', 'run', 'secrets', 'token'), '');
  mkdirSync(join(dir, 'opt'));
  chmodSync(join(dir, 'opt'), 0o700);
  chownMountPoints(dir, ['/var/run/secrets/token', '/proc', '/missing/x'], { uid: HOST, gid: HOST + 1 });
  for (const p of ['var', 'var/run', 'var/run/secrets', 'var/run/secrets/token']) {
    assert.equal(statSync(join(dir, p)).uid, HOST, p);
    assert.equal(statSync(join(dir, p)).gid, HOST + 1, p);
  }
  assert.equal(statSync(join(dir, 'opt')).uid, 0);
  assert.deepEqual(hostRoot({ uids: [{ containerId: 0, hostId: 5, length: 1 }], gids: [{ containerId: 0, hostId: 6, length: 1 }] }), { uid: 5, gid: 6 });
  assert.equal(hostRoot({ uids: [{ containerId: 1, hostId: 5, length: 1 }], gids: [] }), undefined);
  // Directories on the way become searchable by others, not readable.
  const deep = join(dir, 'opt', 'a', 'b');
  mkdirSync(deep, { recursive: true, mode: 0o700 });
  ensureSearchable([join(deep, 'rootfs')]);
  assert.equal(statSync(join(dir, 'opt')).mode & 0o777, 0o701);
  assert.equal(statSync(deep).mode & 0o777, 0o701);
});
