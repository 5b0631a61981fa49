import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSpec, processArgs, processEnv, type SpecInput } from './spec.js';
import { ImageUserCache, resolveUser } from './user.js';
import { DEFAULT_CAPABILITIES } from './defaults.js';
import { InvalidArgumentError } from '../cri.js';

const base = (over: Partial<SpecInput> = {}): SpecInput => ({
  rootfs: '/r', image: { Entrypoint: ['/ep'], Cmd: ['a'], Env: ['PATH=/bin', 'A=1'], WorkingDir: '/w', StopSignal: 'SIGQUIT' },
  config: { metadata: { name: 'c', attempt: 0 }, image: { image: 'i' } },
  user: { uid: 0, gid: 0, additionalGids: [] }, cgroupsPath: '/k8ts/abc', hostname: 'pod',
  sandboxNamespaces: { net: '/ns/net', ipc: '/ns/ipc', uts: '/ns/uts' },
  etc: { hosts: '/s/hosts', resolvConf: '/s/resolv.conf', hostname: '/s/hostname' }, shmPath: '/s/shm',
  ...over,
});

test('args follow Kubernetes command/args over Entrypoint/Cmd', () => {
  const img = { Entrypoint: ['ep'], Cmd: ['cmd'] };
  assert.deepEqual(processArgs(img, undefined, undefined), ['ep', 'cmd']);
  assert.deepEqual(processArgs(img, undefined, ['x']), ['ep', 'x']);
  assert.deepEqual(processArgs(img, ['c'], undefined), ['c']);
  assert.deepEqual(processArgs(img, ['c'], ['x']), ['c', 'x']);
  assert.deepEqual(processArgs({ Cmd: ['sh'] }, undefined, undefined), ['sh']);
  assert.throws(() => processArgs({}, undefined, undefined), InvalidArgumentError);
});

test('env: image first, request overrides, PATH and HOSTNAME filled in', () => {
  assert.deepEqual(processEnv({ Env: ['A=1', 'B=2'] }, [{ key: 'B', value: 'x' }], 'h'), ['A=1', 'B=x', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=h']);
});

test('spec: namespaces join the sandbox by path, mounts, cgroups, security defaults', () => {
  const s = generateSpec(base({
    config: {
      metadata: { name: 'c', attempt: 0 }, image: { image: 'i' }, workingDir: '/override',
      mounts: [{ containerPath: '/data', hostPath: '/host/data', readonly: true }],
      linux: { resources: { cpuShares: 512, cpuQuota: 50000, memoryLimitInBytes: 1 << 26, pidsLimit: 100 } },
    },
  }));
  assert.deepEqual(s.process.args, ['/ep', 'a']);
  assert.equal(s.process.cwd, '/override');
  assert.deepEqual(s.linux.namespaces, [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc', path: '/ns/ipc' }, { type: 'uts', path: '/ns/uts' }, { type: 'network', path: '/ns/net' }]);
  assert.equal(s.hostname, undefined, 'a joined UTS namespace keeps the sandbox hostname');
  const dest = s.mounts.map((m) => m.destination);
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/etc/hosts', '/etc/resolv.conf', '/etc/hostname', '/data']) assert.ok(dest.includes(d), d);
  assert.ok(s.mounts.find((m) => m.destination === '/sys')!.options.includes('ro'));
  assert.ok(s.mounts.find((m) => m.destination === '/sys/fs/cgroup')!.options.includes('ro'));
  assert.deepEqual(s.mounts.find((m) => m.destination === '/data'), { destination: '/data', type: 'bind', source: '/host/data', options: ['rbind', 'rprivate', 'ro'] });
  assert.equal(s.mounts.find((m) => m.destination === '/dev/shm')!.source, '/s/shm');
  assert.deepEqual(s.linux.resources.memory, { limit: 1 << 26, swap: 1 << 26 });
  assert.deepEqual(s.linux.resources.cpu, { shares: 512, quota: 50000, period: 100000 });
  assert.deepEqual(s.linux.resources.pids, { limit: 100 });
  assert.equal(s.linux.cgroupsPath, '/k8ts/abc');
  assert.deepEqual(s.process.capabilities.bounding, [...DEFAULT_CAPABILITIES]);
  assert.deepEqual(s.process.capabilities.inheritable, []);
  assert.ok(s.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(s.linux.readonlyPaths.includes('/proc/sys'));
  assert.equal(s.process.noNewPrivileges, true);
  assert.equal(s.root.readonly, false);
  assert.equal(s.linux.seccomp?.defaultAction, 'SCMP_ACT_ALLOW');
  assert.ok(s.linux.seccomp?.syscalls[0]?.names.includes('kexec_load'));
});

test('spec: capabilities drop/add, privileged, read-only root, user namespace, host network', () => {
  const s = generateSpec(base({ config: { metadata: { name: 'c', attempt: 0 }, image: { image: 'i' }, linux: { securityContext: { dropCapabilities: ['NET_RAW'], addCapabilities: ['SYS_TIME'], readonlyRootfs: true } } } }));
  assert.ok(!s.process.capabilities.effective.includes('CAP_NET_RAW'));
  assert.ok(s.process.capabilities.effective.includes('CAP_SYS_TIME'));
  assert.equal(s.root.readonly, true);
  assert.ok(s.mounts.find((m) => m.destination === '/etc/hosts')!.options.includes('ro'));
  const all = generateSpec(base({ config: { metadata: { name: 'c', attempt: 0 }, image: { image: 'i' }, linux: { securityContext: { dropCapabilities: ['ALL'] } } } }));
  assert.deepEqual(all.process.capabilities.effective, []);
  const priv = generateSpec(base({ config: { metadata: { name: 'c', attempt: 0 }, image: { image: 'i' }, linux: { securityContext: { privileged: true } } } }));
  assert.ok(priv.process.capabilities.effective.includes('CAP_SYS_ADMIN'));
  assert.equal(priv.linux.seccomp, undefined);
  assert.deepEqual(priv.linux.maskedPaths, []);
  const userns = generateSpec(base({ userNamespace: { uids: [{ containerId: 0, hostId: 100000, length: 65536 }], gids: [{ containerId: 0, hostId: 100000, length: 65536 }] } }));
  assert.ok(userns.linux.namespaces.some((n) => n.type === 'user' && !n.path));
  assert.deepEqual(userns.linux.uidMappings, [{ containerID: 0, hostID: 100000, size: 65536 }]);
  const host = generateSpec(base({ sandboxNamespaces: { ipc: '/i', uts: '/u' } }));
  assert.ok(!host.linux.namespaces.some((n) => n.type === 'network'));
  assert.throws(() => generateSpec(base({ config: { metadata: { name: 'c', attempt: 0 }, image: { image: 'i' }, mounts: [{ containerPath: 'rel', hostPath: '/x' }] } })), InvalidArgumentError);
});

test('users resolve by number or name against the image, never the host', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-user-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\nweb:x:33:44::/:/bin/false\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nwebgrp:x:44:\nextra:x:2000:web\n');
  assert.deepEqual(await resolveUser(root, undefined), { uid: 0, gid: 0, additionalGids: [] });
  assert.deepEqual(await resolveUser(root, 'web'), { uid: 33, gid: 44, additionalGids: [2000] });
  assert.deepEqual(await resolveUser(root, '33'), { uid: 33, gid: 44, additionalGids: [2000] });
  assert.deepEqual(await resolveUser(root, '1234:5'), { uid: 1234, gid: 5, additionalGids: [] });
  assert.deepEqual(await resolveUser(root, 'web:extra'), { uid: 33, gid: 2000, additionalGids: [] });
  await assert.rejects(resolveUser(root, 'nobody'), InvalidArgumentError);
  // A passwd that links out of the image is not read.
  const evil = mkdtempSync(join(tmpdir(), 'k8ts-user-'));
  t.after(() => rmSync(evil, { recursive: true, force: true }));
  mkdirSync(join(evil, 'etc'));
  symlinkSync('/etc/passwd', join(evil, 'etc', 'passwd'));
  await assert.rejects(resolveUser(evil, 'root'), InvalidArgumentError);
});

test("users of an unchanging image are remembered per image and user; other roots are read each time", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-user-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  const passwd = (uid: number) => writeFileSync(join(root, 'etc', 'passwd'), `web:x:${uid}:${uid}::/:/bin/false\n`);
  passwd(33);
  const users = new ImageUserCache();
  const image = { imageId: 'sha256:img', immutable: true };
  assert.equal((await users.resolve(image, root, 'web')).uid, 33);
  passwd(34);
  assert.equal((await users.resolve(image, root, 'web')).uid, 33, 'the same image and user: remembered');
  assert.equal((await users.resolve({ ...image, imageId: 'sha256:other' }, root, 'web')).uid, 34, 'another image: read');
  assert.equal((await users.resolve({ imageId: 'sha256:img' }, root, 'web')).uid, 34, 'a root that may change: read');
  const a = await users.resolve(image, root, 'web');
  a.additionalGids.push(1);
  assert.deepEqual((await users.resolve(image, root, 'web')).additionalGids, [], 'callers get their own copy');
});

test("spec: the caller's own /etc/hosts, /etc/resolv.conf, /etc/hostname and /dev/shm replace the sandbox's", () => {
  const own = ['/etc/hosts', '/etc/resolv.conf/', '/dev/shm'].map((p, i) => ({ containerPath: p, hostPath: `/kubelet/${i}` }));
  const s = generateSpec(base({ config: { metadata: { name: 'c', attempt: 0 }, image: { image: 'i' }, mounts: own } }));
  const on = (d: string) => s.mounts.filter((m) => m.destination.replace(/(.)\/$/, '$1') === d).map((m) => m.source);
  assert.deepEqual(on('/etc/hosts'), ['/kubelet/0']);
  assert.deepEqual(on('/etc/resolv.conf'), ['/kubelet/1']);
  assert.deepEqual(on('/dev/shm'), ['/kubelet/2']);
  assert.deepEqual(on('/etc/hostname'), ['/s/hostname'], 'what the caller does not mount stays the sandbox\'s');
});
