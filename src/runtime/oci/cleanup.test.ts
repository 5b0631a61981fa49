// Remove leaves nothing behind: no mount, cgroup, directory, namespace or process.
// Also: the image's StopSignal is what stop sends, and the host's cgroups suit crun.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newOciTestEnv } from './testing/harness.js';
import { podConfig, waitExited } from './testing/run.js';
import { cgroupMode, prepareHybridCgroups } from './cgroups.js';
import { isStateMount } from './volatile-state.js';

// The runtime's own state tmpfs mounts (volatile-state.ts) live as long as it does: not leftovers.
const mountsUnder = (p: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => (l.split(' ')[4] ?? '').startsWith(p) && !isStateMount(l.split(' ')[4]!));

for (const name of ['crun', 'runc'] as const) {
  test(`oci/${name}: removing containers and sandboxes leaves no mount, cgroup, directory or process`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const rt = env.runtime;
    const sbc = podConfig();
    const sb = await rt.runPodSandbox(sbc);
    const status = await rt.podSandboxStatus(sb);
    assert.ok(status.netnsPath.startsWith(join(env.root, 'netns')));
    assert.equal(mountsUnder(env.root).length, 4, 'netns, ipc, uts and shm are mounted while the sandbox lives');
    const running = await rt.createContainer(sb, { metadata: { name: 'run', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '100000'] }, sbc);
    const created = await rt.createContainer(sb, { metadata: { name: 'new', attempt: 0 }, image: { image: 'busybox' }, command: ['true'] }, sbc);
    await rt.startContainer(running);
    const conmonPids = [running, created].map((id) => Number(readFileSync(join(env.root, 'containers', id, 'conmon.pid'), 'utf8')));
    const logPath = (await rt.containerStatus(running)).logPath;
    assert.ok(existsSync(join('/sys/fs/cgroup/memory', env.cgroupParent, running)));

    await rt.removeContainer(running);
    await rt.removeContainer(created);
    for (const id of [running, created]) {
      assert.ok(!existsSync(join(env.root, 'containers', id)), 'container directory removed');
      assert.ok(!existsSync(join(env.root, 'exits', id)));
      for (const c of ['memory', 'cpu', 'cpuacct', 'pids']) assert.ok(!existsSync(join('/sys/fs/cgroup', c, env.cgroupParent, id)), `${c} cgroup removed`);
    }
    assert.ok(!existsSync(logPath), 'log removed');
    for (const pid of conmonPids) assert.ok(!existsSync(`/proc/${pid}/cmdline`) || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('conmon'), 'conmon gone');
    const state = (await import('node:child_process')).execFileSync(name === 'crun' ? '/usr/bin/crun' : '/usr/sbin/runc', ['--root', join(env.root, name), 'list', '-q'], { encoding: 'utf8' });
    assert.equal(state.trim(), '', 'the OCI runtime knows no container');

    await rt.removePodSandbox(sb);
    assert.deepEqual(mountsUnder(env.root), []);
    assert.deepEqual(readdirSync(join(env.root, 'netns')), []);
    assert.deepEqual(readdirSync(join(env.root, 'sandboxes')), []);
  });

  test(`oci/${name}: stop sends the image's StopSignal`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    env.images.add('quits-on-usr1', join(env.dir, 'busybox'), { StopSignal: 'SIGUSR1' });
    const rt = env.runtime;
    const sbc = podConfig();
    const sb = await rt.runPodSandbox(sbc);
    const id = await rt.createContainer(sb, { metadata: { name: 'u', attempt: 0 }, image: { image: 'quits-on-usr1' }, command: ['sh', '-c', `trap 'echo usr1; exit 10' USR1; trap 'echo term; exit 20' TERM; sleep 100000 & wait`] }, sbc);
    await rt.startContainer(id);
    await new Promise((r) => setTimeout(r, 300));
    await rt.stopContainer(id, 10);
    const s = await waitExited(rt, id);
    assert.equal(s.exitCode, 10);
  });
}

test('host cgroups: crun can run (hugetlb moved off cgroup2 when hybrid)', async () => {
  assert.equal(await prepareHybridCgroups(), null);
  if ((await cgroupMode()) === 'hybrid') {
    assert.equal(readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim(), '');
    assert.ok(existsSync('/sys/fs/cgroup/hugetlb/cgroup.procs'));
  }
});

test('oci: a sandbox whose namespace mounts vanished (a reboot) reports not ready and still removes', async (t) => {
  const env = await newOciTestEnv('crun');
  t.after(() => env.cleanup());
  const rt = env.runtime;
  const sb = await rt.runPodSandbox(podConfig());
  const { execFileSync } = await import('node:child_process');
  for (const m of mountsUnder(join(env.root, 'sandboxes', sb)).map((l) => l.split(' ')[4]!)) execFileSync('umount', [m]);
  execFileSync('umount', [join(env.root, 'netns', sb)]);
  assert.equal((await rt.podSandboxStatus(sb)).state, 'SANDBOX_NOTREADY');
  assert.equal((await rt.listPodSandbox({ state: 'SANDBOX_READY' })).length, 0);
  await rt.removePodSandbox(sb);
  assert.deepEqual(mountsUnder(env.root), []);
});
