// The sandbox helper against the real kernel: namespaces that outlive the forked child,
// its host name, loopback up, the shm tmpfs with its flags; a failed step reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelperCallError } from './helper-process.js';
import { SandboxHelper } from './sandbox-helper.js';

const root = process.getuid?.() === 0;

function mountLine(path: string): string | undefined {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === path);
}

function cleanup(paths: string[], dir: string): void {
  for (const p of paths) spawnSync('umount', ['-l', p], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

test('one request makes shm and the IPC, UTS and network namespaces of a sandbox', { skip: !root && 'needs root' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sbhelper-'));
  const f = { ipc: join(dir, 'ipc'), uts: join(dir, 'uts'), net: join(dir, 'net'), shm: join(dir, 'shm') };
  const helper = new SandboxHelper();
  t.after(() => { helper.close(); cleanup([f.shm, f.ipc, f.uts, f.net], dir); });
  for (const p of [f.ipc, f.uts, f.net]) writeFileSync(p, '');
  mkdirSync(f.shm);
  return (async () => {
    await helper.create({ shm: { path: f.shm, options: 'mode=1777,size=65536' }, hostname: 'sb-host-1', ipc: f.ipc, uts: f.uts, net: f.net });
    // The namespaces are bind mounts of nsfs files now: another device than the directory.
    for (const p of [f.ipc, f.uts, f.net]) assert.notEqual(statSync(p).dev, statSync(dir).dev, `${p} is a namespace`);
    assert.equal(execFileSync('nsenter', [`--uts=${f.uts}`, 'hostname'], { encoding: 'utf8' }).trim(), 'sb-host-1');
    assert.notEqual(execFileSync('hostname', { encoding: 'utf8' }).trim(), 'sb-host-1', 'the host keeps its name');
    const lo = execFileSync('nsenter', [`--net=${f.net}`, 'ip', '-o', 'link', 'show'], { encoding: 'utf8' });
    assert.match(lo, /^1: lo: <LOOPBACK,UP/m);
    assert.equal(lo.trim().split('\n').length, 1, 'a new network namespace holds only lo');
    const shm = mountLine(f.shm);
    assert.ok(shm, 'shm mounted');
    assert.match(shm.split(' ')[5]!, /nosuid,nodev,noexec/);
    assert.match(shm, / tmpfs shm rw,size=64k/);
    assert.equal(statSync(f.shm).mode & 0o7777, 0o1777, 'world-writable and sticky, as /dev/shm');
  })();
});

test('without a network namespace only IPC and UTS are made; a failed step is reported', { skip: !root && 'needs root' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sbhelper-'));
  const f = { ipc: join(dir, 'ipc'), uts: join(dir, 'uts') };
  const helper = new SandboxHelper();
  t.after(() => { helper.close(); cleanup([f.ipc, f.uts, join(dir, 'ipc2'), join(dir, 'uts2')], dir); });
  writeFileSync(f.ipc, '');
  writeFileSync(f.uts, '');
  return (async () => {
    await helper.create({ hostname: 'sb-host-2', ipc: f.ipc, uts: f.uts });
    assert.equal(execFileSync('nsenter', [`--uts=${f.uts}`, 'hostname'], { encoding: 'utf8' }).trim(), 'sb-host-2');
    assert.equal(mountLine(join(dir, 'net')), undefined);
    // A bind target that does not exist: the child's mount fails with ENOENT.
    await assert.rejects(helper.create({ hostname: 'x', ipc: join(dir, 'missing-ipc'), uts: join(dir, 'missing-uts') }),
      (e: unknown) => e instanceof HelperCallError && e.errno === 2);
    // The helper still answers afterwards.
    writeFileSync(join(dir, 'ipc2'), '');
    writeFileSync(join(dir, 'uts2'), '');
    await helper.create({ hostname: 'sb-host-3', ipc: join(dir, 'ipc2'), uts: join(dir, 'uts2') });
    assert.equal(execFileSync('nsenter', [`--uts=${join(dir, 'uts2')}`, 'hostname'], { encoding: 'utf8' }).trim(), 'sb-host-3');
  })();
});
