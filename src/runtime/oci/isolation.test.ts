// Isolation and resource limits of real containers (crun and runc under conmon).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newOciTestEnv } from './testing/harness.js';
import { runScript } from './testing/run.js';
import { cpuThrottled } from './cgroups.js';

for (const name of ['crun', 'runc'] as const) {
  test(`oci/${name}: first process is PID 1 and sees only its own processes`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    // The trailing `true` keeps the shell from exec-ing ps in its own place.
    const r = await runScript(env.runtime, 'echo pid=$$; ps -o pid,comm; true');
    assert.equal(r.status.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^pid=1$/m);
    const procs = r.stdout.split('\n').slice(2).map((l) => l.trim()).filter(Boolean);
    // Only the shell (PID 1) and ps itself.
    assert.deepEqual(procs.map((l) => l.split(/\s+/)[1]).sort(), ['ps', 'sh']);
  });

  test(`oci/${name}: own hostname, mount table and no host files outside its mounts`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const shared = join(env.dir, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'visible.txt'), 'from host\n');
    writeFileSync(join(env.dir, 'secret.txt'), 'host only\n');
    const r = await runScript(env.runtime,
      `hostname; cat /etc/hostname; cat /data/visible.txt; ls ${env.dir} 2>&1 || echo no-host-dir; ` +
      `test -e /secret.txt || echo no-secret; grep -c ' / ' /proc/self/mountinfo; ` +
      `echo mounts: $(awk '{print $5}' /proc/self/mountinfo); ` +
      `touch /data/ro 2>/dev/null && echo writable || echo readonly-mount`,
      { mounts: [{ containerPath: '/data', hostPath: shared, readonly: true }] },
      { hostname: 'isolated-pod' });
    assert.equal(r.status.exitCode, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'isolated-pod');
    assert.equal(lines[1], 'isolated-pod');
    assert.equal(lines[2], 'from host');
    assert.ok(r.stdout.includes('no-host-dir') || r.stdout.includes('No such file'), r.stdout);
    assert.ok(r.stdout.includes('no-secret'));
    // Only the mounts the spec asked for: no host mount point shows through.
    const points = (/^mounts: (.*)$/m.exec(r.stdout)?.[1] ?? '').split(' ');
    assert.ok(points.includes('/data') && points.includes('/proc'), r.stdout);
    const allowed = /^(\/|\/data|\/proc(\/.*)?|\/dev(\/.*)?|\/sys(\/.*)?|\/etc\/(hosts|hostname|resolv\.conf))$/;
    assert.deepEqual(points.filter((p) => !allowed.test(p)), []);
    assert.ok(r.stdout.includes('readonly-mount'));
  });

  test(`oci/${name}: a caller's own /etc files replace the sandbox's, which are then never written`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const own = join(env.dir, 'own');
    mkdirSync(own);
    const files = { '/etc/hosts': 'hosts of the caller\n', '/etc/hostname': 'caller-name\n', '/etc/resolv.conf': 'nameserver 192.0.2.53\n' };
    const mounts = Object.entries(files).map(([containerPath, text], i) => {
      writeFileSync(join(own, String(i)), text);
      return { containerPath, hostPath: join(own, String(i)) };
    });
    const r = await runScript(env.runtime, 'cat /etc/hosts /etc/hostname /etc/resolv.conf; grep -c /etc/hosts /proc/self/mountinfo', { mounts });
    assert.equal(r.status.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `${Object.values(files).join('')}1`, 'the caller\'s files, each mounted once');
    const sandboxDir = join(env.runtime.root, 'sandboxes', r.sandboxId);
    assert.deepEqual(['hosts', 'hostname', 'resolv.conf'].filter((f) => existsSync(join(sandboxDir, f))), []);
  });

  test(`oci/${name}: read-only root filesystem when asked`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const r = await runScript(env.runtime, 'touch /rootfile 2>/dev/null && echo wrote || echo refused; touch /tmp/x 2>/dev/null || echo tmp-refused; echo > /dev/shm/ok && echo shm-ok',
      { linux: { securityContext: { readonlyRootfs: true } } });
    assert.match(r.stdout, /^refused$/m);
    assert.match(r.stdout, /shm-ok/);
  });

  test(`oci/${name}: memory limit OOM-kills and is reported OOMKilled`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    // Grows a shell variable without bound; 32 MiB stops it.
    const r = await runScript(env.runtime, 'x=aaaaaaaaaaaaaaaa; while :; do x="$x$x"; done',
      { linux: { resources: { memoryLimitInBytes: 32 * 1024 * 1024 } } });
    assert.equal(r.status.exitCode, 137);
    assert.equal(r.status.reason, 'OOMKilled');
  });

  test(`oci/${name}: CPU quota throttles`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const sbc = { metadata: { name: 'cpu', uid: 'cpu', namespace: 'test', attempt: 0 } };
    const sb = await env.runtime.runPodSandbox(sbc);
    const id = await env.runtime.createContainer(sb, {
      metadata: { name: 'spin', attempt: 0 }, image: { image: 'busybox' }, command: ['sh', '-c', 'while :; do :; done'],
      linux: { resources: { cpuQuota: 10000, cpuPeriod: 100000 } },
    }, sbc);
    await env.runtime.startContainer(id);
    const t0 = Date.now();
    const before = (await env.runtime.containerStats(id)).cpu.usageCoreNanoSeconds;
    await new Promise((r) => setTimeout(r, 1000));
    const used = (await env.runtime.containerStats(id)).cpu.usageCoreNanoSeconds - before;
    const wall = (Date.now() - t0) * 1e6;
    const throttled = await cpuThrottled(`${env.cgroupParent}/${id}`);
    assert.ok(throttled > 0, 'nr_throttled should grow');
    // 10% of one CPU, with slack for scheduling granularity.
    assert.ok(used < wall * 0.25, `used ${used} ns of CPU in ${wall} ns`);
    const mem = (await env.runtime.containerStats(id)).memory.workingSetBytes;
    assert.ok(mem > 0, 'working set from the memory cgroup');
    await env.runtime.removeContainer(id);
  });

  test(`oci/${name}: pids limit stops forks`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const r = await runScript(env.runtime, 'i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); echo forked=$i; done',
      { linux: { resources: { pidsLimit: 8 } } });
    const forks = r.stdout.split('\n').filter((l) => l.startsWith('forked=')).length;
    assert.ok(forks > 0 && forks < 8, `forked ${forks} times under a limit of 8`);
    assert.match(r.stderr, /can't fork/);
    assert.notEqual(r.status.exitCode, 0);
  });

  test(`oci/${name}: user namespace maps container root to an unprivileged host uid`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    // The mapped root must be able to reach the rootfs inside the test's temp dir.
    chmodSync(env.dir, 0o755);
    const map = [{ containerId: 0, hostId: 200000, length: 65536 }];
    const r = await runScript(env.runtime, 'id -u; tr -s " " < /proc/self/uid_map; hostname; ls -ln /bin/busybox | tr -s " " | cut -d" " -f3',
      {}, { hostname: 'userns-pod', linux: { userNamespace: { uids: map, gids: map } } });
    assert.equal(r.status.exitCode, 0, r.stderr);
    const [uid, uidMap, host, owner] = r.stdout.split('\n');
    assert.equal(uid, '0');
    assert.equal(uidMap?.trim(), '0 200000 65536');
    assert.equal(host, 'userns-pod');
    // Host root's files are unmapped inside: they show as the overflow uid.
    assert.equal(owner, '65534');
  });

  test(`oci/${name}: default capabilities and seccomp block mount and module loading`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const r = await runScript(env.runtime, 'mount -t tmpfs x /mnt 2>&1 && echo mounted || echo mount-denied; grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status; grep Seccomp: /proc/self/status');
    assert.match(r.stdout, /mount-denied/);
    assert.match(r.stdout, /CapEff:\s+00000000a80425fb/);
    assert.match(r.stdout, /NoNewPrivs:\s+1/);
    assert.match(r.stdout, /Seccomp:\s+2/);
  });
}
