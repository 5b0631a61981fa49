// Pods as a Kubernetes user sees them, on a real `k8ts server` with its agent (conmon +
// crun, busybox): restart policies and crash-loop back-off, liveness and readiness
// probes, init containers, preStop and the grace period, the agent killed with -9 and
// restarted under running pods, and a deleted pod leaving nothing behind. Everything is
// read back through the real kubectl (get -o json, describe, logs).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServer } from './harness.js';
import {
  bb, condition, container, eventually, Kube, podManifest, runtimeRecords, skipReason, sleep, startAgentServer, stopAgentServer,
} from './agent-fixture.js';

describe('pods on a real node agent', { skip: skipReason }, () => {
  let server: TestServer;
  let k: Kube;
  const hostDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-pods-host-'));

  before(async () => {
    server = await startAgentServer('pods');
    k = new Kube(server);
  });

  after(async () => {
    if (server) await stopAgentServer(server);
    rmSync(hostDir, { recursive: true, force: true });
  }, { timeout: 180_000 });

  const forever = "trap 'exit 0' TERM; while true; do sleep 1; done";

  describe('side by side', { concurrency: true, timeout: 240_000 }, () => {
    test('restartPolicy Always: restartCount grows with back-off, CrashLoopBackOff, lastState with the exit code', async () => {
      await k.apply(podManifest('crash-always', { restartPolicy: 'Always', containers: [bb('c', 'echo run; exit 3')] }));
      const seen = new Map<number, number>();
      let backOff = false;
      const p = await eventually('restartCount 2', async () => {
        const q = await k.pod('crash-always');
        const c = container(q)!;
        if (!seen.has(c.restartCount)) seen.set(c.restartCount, Date.now());
        if (c.state.waiting?.reason === 'CrashLoopBackOff') backOff = true;
        return c.restartCount >= 2 && backOff ? q : undefined;
      }, 90_000);
      const c = container(p)!;
      assert.equal(c.lastState.terminated?.exitCode, 3);
      assert.equal(c.lastState.terminated?.reason, 'Error');
      assert.equal(p.status.phase, 'Running', 'a crash-looping Always pod stays Running');
      // The first restart goes at once, the second waits out the 10 s back-off.
      assert.ok(seen.has(1) && seen.has(2), `saw restart counts ${[...seen.keys()].join(',')}`);
      assert.ok(seen.get(2)! - seen.get(1)! >= 8_000, `the second restart came ${seen.get(2)! - seen.get(1)!} ms after the first`);
      const waiting = await eventually('CrashLoopBackOff', async () => {
        const w = container(await k.pod('crash-always'))!.state.waiting;
        return w?.reason === 'CrashLoopBackOff' ? w : undefined;
      }, 30_000);
      assert.match(waiting.message ?? '', /back-off \d+s restarting failed container=c pod=crash-always_default/);
      assert.match(await k.describe('crash-always'), /BackOff\s.*Back-off restarting failed container c in pod crash-always_default/);
      assert.match(await k.ok('logs', 'crash-always', '--previous'), /^run$/m);
      await eventually('kubectl get to show CrashLoopBackOff', async () => (/^crash-always\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\S+ ago\)\s/m.test(await k.ok('get', 'pod', 'crash-always')) ? true : undefined), 30_000);
      await k.ok('delete', 'pod', 'crash-always', '--timeout=60s');
    });

    test('restartPolicy OnFailure restarts a failing container and not one that succeeded; Never runs once', async () => {
      await k.apply(podManifest('onfailure-fails', { restartPolicy: 'OnFailure', containers: [bb('c', 'exit 2')] }));
      await k.apply(podManifest('onfailure-ok', { restartPolicy: 'OnFailure', containers: [bb('c', 'echo done')] }));
      await k.apply(podManifest('never-fails', { restartPolicy: 'Never', containers: [bb('c', 'exit 7')] }));
      const fails = await eventually('onfailure-fails to crash-loop', async () => {
        const q = await k.pod('onfailure-fails');
        const c = container(q)!;
        return c.restartCount >= 1 && c.state.waiting?.reason === 'CrashLoopBackOff' ? q : undefined;
      }, 60_000);
      assert.equal(container(fails)!.lastState.terminated?.exitCode, 2);
      const ok = await eventually('onfailure-ok to succeed', async () => {
        const q = await k.pod('onfailure-ok');
        return q.status.phase === 'Succeeded' ? q : undefined;
      });
      assert.equal(container(ok)!.restartCount, 0);
      assert.equal(container(ok)!.state.terminated?.reason, 'Completed');
      assert.equal(container(ok)!.state.terminated?.exitCode, 0);
      const never = await eventually('never-fails to fail', async () => {
        const q = await k.pod('never-fails');
        return q.status.phase === 'Failed' ? q : undefined;
      });
      assert.equal(container(never)!.state.terminated?.exitCode, 7);
      const table = await k.ok('get', 'pods', 'never-fails', 'onfailure-ok');
      assert.match(table, /^never-fails\s+0\/1\s+Error\s+0\s/m);
      assert.match(table, /^onfailure-ok\s+0\/1\s+Completed\s+0\s/m);
      // A terminal pod is never run again: a few sync periods later it is as it was.
      await sleep(5_000);
      assert.equal(container(await k.pod('never-fails'))!.restartCount, 0);
      assert.equal(container(await k.pod('onfailure-ok'))!.restartCount, 0);
      await k.ok('delete', 'pod', 'onfailure-fails', 'onfailure-ok', 'never-fails', '--timeout=60s');
    });

    test('a failing liveness probe restarts the container, with an Unhealthy event', async () => {
      await k.apply(podManifest('live', {
        containers: [bb('c', `touch /tmp/alive; ${forever}`, {
          livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2 },
        })],
      }));
      const first = await eventually('live to run', async () => {
        const q = await k.pod('live');
        return container(q)?.state.running ? q : undefined;
      });
      // Healthy, it keeps running.
      await sleep(4_000);
      assert.equal(container(await k.pod('live'))!.restartCount, 0);
      await k.ok('exec', 'live', '--', 'rm', '/tmp/alive');
      const restarted = await eventually('live to restart', async () => {
        const q = await k.pod('live');
        const c = container(q)!;
        return c.restartCount === 1 && c.state.running ? q : undefined;
      }, 60_000);
      const c = container(restarted)!;
      assert.notEqual(c.containerID, container(first)!.containerID);
      assert.equal(c.lastState.terminated?.exitCode, 0, 'the container exited on SIGTERM as its trap says');
      const events = await k.describe('live');
      assert.match(events, /Unhealthy\s.*Liveness probe failed/);
      assert.match(events, /Killing\s.*Container c failed liveness probe, will be restarted/);
      // The new instance made its file again and stays up.
      await sleep(4_000);
      assert.equal(container(await k.pod('live'))!.restartCount, 1);
      await k.ok('delete', 'pod', 'live', '--timeout=60s');
    });

    test('a readiness probe turns Ready False, True, False', async () => {
      await k.apply(podManifest('ready', {
        containers: [bb('c', forever, { readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 } })],
      }));
      const running = await eventually('ready to run', async () => {
        const q = await k.pod('ready');
        return container(q)?.state.running ? q : undefined;
      });
      await sleep(3_000);
      let p = await k.pod('ready');
      assert.equal(condition(p, 'Ready'), 'False');
      assert.equal(condition(p, 'ContainersReady'), 'False');
      assert.equal(container(p)!.ready, false);
      await k.ok('exec', 'ready', '--', 'touch', '/tmp/ready');
      p = await eventually('Ready True', async () => {
        const q = await k.pod('ready');
        return condition(q, 'Ready') === 'True' ? q : undefined;
      }, 30_000);
      assert.equal(container(p)!.ready, true);
      assert.match(await k.ok('get', 'pod', 'ready'), /^ready\s+1\/1\s+Running\s+0\s/m);
      await k.ok('exec', 'ready', '--', 'rm', '/tmp/ready');
      p = await eventually('Ready False again', async () => {
        const q = await k.pod('ready');
        return condition(q, 'Ready') === 'False' ? q : undefined;
      }, 30_000);
      assert.equal(container(p)!.ready, false);
      assert.equal(container(p)!.restartCount, 0, 'readiness never restarts');
      assert.equal(container(p)!.containerID, container(running)!.containerID);
      assert.match(await k.describe('ready'), /Unhealthy\s.*Readiness probe failed/);
      await k.ok('delete', 'pod', 'ready', '--timeout=60s');
    });

    test('init containers run first, one after another, sharing an emptyDir with the app', async () => {
      const mount = { volumeMounts: [{ name: 'work', mountPath: '/work' }] };
      await k.apply(podManifest('inits', {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [bb('first', 'sleep 1; echo first >> /work/order', mount), bb('second', 'echo second >> /work/order', mount)],
        containers: [bb('app', `echo app >> /work/order; cat /work/order; ${forever}`, mount)],
      }));
      const p = await eventually('inits to run', async () => {
        const q = await k.pod('inits');
        return container(q)?.state.running ? q : undefined;
      });
      assert.equal(await eventually('the app log', async () => {
        const l = await k.ok('logs', 'inits', '-c', 'app');
        return l.includes('app') ? l : undefined;
      }), 'first\nsecond\napp\n');
      const inits = p.status.initContainerStatuses ?? [];
      assert.deepEqual(inits.map((c) => [c.name, c.state.terminated?.reason, c.state.terminated?.exitCode, c.ready]), [['first', 'Completed', 0, true], ['second', 'Completed', 0, true]]);
      assert.ok(Date.parse(inits[0].state.terminated!.finishedAt!) <= Date.parse(inits[1].state.terminated!.startedAt!), 'second started after first finished');
      assert.equal(condition(p, 'Initialized'), 'True');
      assert.equal(await k.ok('logs', 'inits', '-c', 'first'), '');
      await k.ok('delete', 'pod', 'inits', '--timeout=60s');
    });

    test('an init container that fails holds the app back and is retried; with Never the pod fails', async () => {
      await k.apply(podManifest('init-fails', { initContainers: [bb('broken', 'exit 4')], containers: [bb('app', forever)] }));
      await k.apply(podManifest('init-fails-never', { restartPolicy: 'Never', initContainers: [bb('broken', 'exit 4')], containers: [bb('app', forever)] }));
      const p = await eventually('init-fails to retry', async () => {
        const q = await k.pod('init-fails');
        const s = q.status.initContainerStatuses?.[0];
        return s && s.restartCount >= 1 && s.lastState.terminated?.exitCode === 4 ? q : undefined;
      }, 60_000);
      assert.equal(p.status.phase, 'Pending');
      assert.equal(condition(p, 'Initialized'), 'False');
      assert.equal(container(p)!.state.waiting?.reason, 'PodInitializing');
      await eventually('kubectl get to show the init container failing', async () => (/^init-fails\s+0\/1\s+Init:(Error|CrashLoopBackOff)\s/m.test(await k.ok('get', 'pod', 'init-fails')) ? true : undefined), 30_000);
      const never = await eventually('init-fails-never to fail', async () => {
        const q = await k.pod('init-fails-never');
        return q.status.phase === 'Failed' ? q : undefined;
      });
      assert.equal(never.status.initContainerStatuses?.[0].state.terminated?.exitCode, 4);
      assert.ok(!container(never)!.state.running && !container(never)!.containerID, 'the app container never ran');
      await k.ok('delete', 'pod', 'init-fails', 'init-fails-never', '--timeout=60s');
    });

    test('preStop runs before the stop signal', async () => {
      const dir = join(hostDir, 'prestop');
      await k.apply(podManifest('prestop', {
        terminationGracePeriodSeconds: 20,
        volumes: [{ name: 'out', hostPath: { path: dir, type: 'DirectoryOrCreate' } }],
        containers: [bb('c', "trap 'echo TERM >> /out/order; exit 0' TERM; echo started >> /out/order; while true; do sleep 1; done", {
          volumeMounts: [{ name: 'out', mountPath: '/out' }],
          lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo preStop >> /out/order; sleep 1'] } } },
        })],
      }));
      await eventually('prestop to run', async () => (existsSync(join(dir, 'order')) && container(await k.pod('prestop'))?.state.running ? true : undefined));
      const t0 = Date.now();
      await k.ok('delete', 'pod', 'prestop', '--timeout=60s');
      assert.equal(readFileSync(join(dir, 'order'), 'utf8'), 'started\npreStop\nTERM\n');
      assert.ok(Date.now() - t0 < 15_000, 'the container exits on SIGTERM without waiting out its grace period');
    });

    test('a container that ignores SIGTERM is killed when the grace period ends, not before', async () => {
      await k.apply(podManifest('stubborn', { terminationGracePeriodSeconds: 3, containers: [bb('c', "trap '' TERM; sleep 3600")] }));
      const p = await eventually('stubborn to run', async () => {
        const q = await k.pod('stubborn');
        return container(q)?.state.running ? q : undefined;
      });
      const [rec] = runtimeRecords(server.dataDir, 'containers', p.metadata.uid);
      const exitsDir = join(server.dataDir, 'runtime', 'exits');
      const exitFile = join(exitsDir, rec.id);
      const exited = () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '';
      // conmon writes the exit code the moment the container dies; the kubelet, told at
      // once, may remove the file within milliseconds: watch for it rather than poll.
      let exitAt = 0;
      const watcher = watch(exitsDir, (_event, name) => { if (name === rec.id && !exitAt) exitAt = Date.now(); });
      const t0 = Date.now();
      try {
        const deleting = k.ok('delete', 'pod', 'stubborn', '--timeout=60s');
        while (!exitAt && Date.now() - t0 < 30_000) {
          if (exited()) exitAt = Date.now();
          else await sleep(100);
        }
        await deleting;
      } finally {
        watcher.close();
      }
      const took = Date.now() - t0;
      assert.ok(exitAt - t0 >= 2_900, `SIGTERM did nothing, yet the container died ${exitAt - t0} ms into its 3 s grace period`);
      assert.ok(exitAt - t0 < 8_000, `SIGKILL came ${exitAt - t0} ms after the deletion, for a 3 s grace period`);
      assert.ok(took < 30_000, `the pod object went ${took} ms after the deletion`);
    });
  });

  describe('one at a time', () => {
    test('kill -9 of the agent while pods run: after its restart no container restarts and statuses stay right', async () => {
      await k.apply(podManifest('steady', { containers: [bb('c', `echo up; touch /tmp/ready; ${forever}`, { readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 } })] }));
      await k.apply(podManifest('steady2', { containers: [bb('a', forever), bb('b', forever)] }));
      // One that exits while the agent is away (when the test drops a file into its hostPath), one deleted meanwhile.
      const flag = join(hostDir, 'downtime');
      await k.apply(podManifest('exits-meanwhile', {
        restartPolicy: 'Never',
        volumes: [{ name: 'flag', hostPath: { path: flag, type: 'DirectoryOrCreate' } }],
        containers: [bb('c', 'until [ -f /flag/now ]; do sleep 0.2; done; exit 5', { volumeMounts: [{ name: 'flag', mountPath: '/flag' }] })],
      }));
      await k.apply(podManifest('deleted-meanwhile', { containers: [bb('c', forever)] }));
      await eventually('exits-meanwhile and deleted-meanwhile to run', async () => ((await Promise.all(['exits-meanwhile', 'deleted-meanwhile'].map(async (n) => container(await k.pod(n))?.state.running))).every(Boolean) ? true : undefined));
      const doomed = await k.pod('deleted-meanwhile');
      const ready = async (name: string) => {
        const q = await k.pod(name);
        return condition(q, 'Ready') === 'True' ? q : undefined;
      };
      const before1 = await eventually('steady to be Ready', () => ready('steady'));
      const before2 = await eventually('steady2 to be Ready', () => ready('steady2'));
      const pid = server.pid!;
      await server.stop('SIGKILL');
      assert.throws(() => process.kill(pid, 0), 'the server process is gone');
      writeFileSync(join(flag, 'now'), '');
      const doomedRec = runtimeRecords(server.dataDir, 'containers', doomed.metadata.uid);
      // The containers do not depend on the agent: they keep running without it.
      for (const p of [before1, before2]) {
        for (const c of p.status.containerStatuses ?? []) {
          const id = c.containerID!.replace(/^\w+:\/\//, '');
          const exit = join(server.dataDir, 'runtime', 'exits', id);
          assert.ok(!existsSync(exit) || readFileSync(exit, 'utf8') === '', `${p.metadata.name}/${c.name} still runs`);
        }
      }
      await sleep(1_500); // long enough for the container to see the flag and exit
      await server.launch();
      await k.ok('delete', 'pod', 'deleted-meanwhile', '--wait=false');
      // The kubelet is back once it runs a new pod.
      await k.apply(podManifest('after-restart', { containers: [bb('c', forever)] }));
      await eventually('after-restart to run', async () => (container(await k.pod('after-restart'))?.state.running ? true : undefined));
      await sleep(5_000); // a few sync periods and probe periods of the adopted pods
      for (const [name, old] of [['steady', before1], ['steady2', before2]] as const) {
        const now = await eventually(`${name} to be Ready again`, () => ready(name), 30_000);
        assert.equal(now.status.phase, 'Running');
        assert.equal(now.status.podIP, old.status.podIP);
        const since = (q: typeof now) => q.status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
        assert.equal(since(now), since(old), 'Ready did not flip while the agent was away or coming back');
        for (const c of old.status.containerStatuses ?? []) {
          const n = container(now, c.name)!;
          assert.equal(n.restartCount, 0, `${name}/${c.name} did not restart`);
          assert.equal(n.containerID, c.containerID);
          assert.equal(n.state.running?.startedAt, c.state.running?.startedAt);
          assert.equal(n.ready, true);
        }
      }
      assert.equal(await k.ok('logs', 'steady'), 'up\n', 'the container ran once');
      const exited = await eventually('exits-meanwhile to be Failed', async () => {
        const q = await k.pod('exits-meanwhile');
        return q.status.phase === 'Failed' ? q : undefined;
      }, 30_000);
      assert.equal(container(exited)!.state.terminated?.exitCode, 5);
      assert.equal(container(exited)!.restartCount, 0);
      await eventually('deleted-meanwhile to go', async () => ((await k.run('get', 'pod', 'deleted-meanwhile')).code !== 0 ? true : undefined), 30_000);
      assert.deepEqual(runtimeRecords(server.dataDir, 'containers', doomed.metadata.uid), [], 'its container was removed');
      assert.equal(doomedRec.length, 1);
      await k.ok('delete', 'pod', 'steady', 'steady2', 'after-restart', 'exits-meanwhile', '--timeout=60s');
    });

    test('deleting a pod removes its containers, mounts, network namespace, IP and cgroups', async () => {
      await k.apply({
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'traces' }, data: { a: '1' },
      });
      await k.apply(podManifest('traces', {
        volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }, { name: 'cm', configMap: { name: 'traces' } }],
        initContainers: [bb('init', 'true')],
        containers: [bb('c', forever, { volumeMounts: [{ name: 'scratch', mountPath: '/s' }, { name: 'mem', mountPath: '/m' }, { name: 'cm', mountPath: '/cm' }] })],
      }));
      const p = await eventually('traces to run', async () => {
        const q = await k.pod('traces');
        return container(q)?.state.running && q.status.podIP ? q : undefined;
      });
      const uid = p.metadata.uid;
      const sandboxes = runtimeRecords(server.dataDir, 'sandboxes', uid);
      const containers = runtimeRecords(server.dataDir, 'containers', uid);
      assert.equal(sandboxes.length, 1);
      assert.equal(containers.length, 2, 'the init container and the app');
      const ids = [uid, ...sandboxes.map((s) => s.id), ...containers.map((c) => c.id)];
      const mountsOf = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => ids.some((id) => l.includes(id)));
      const cgroupsOf = () => execFileSync('find', ['/sys/fs/cgroup', '-name', `*${uid}*`], { encoding: 'utf8' }).trim();
      const ipam = join(server.dataDir, 'agent', 'cni', 'networks');
      const leases = () => readdirSync(ipam, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
      // What there is to find while it runs, so that the checks below can fail.
      assert.ok(mountsOf().length >= 4, 'netns, volumes and rootfs mounts exist');
      assert.ok(existsSync(sandboxes[0].netnsPath!));
      assert.ok(leases().includes(p.status.podIP!));
      assert.notEqual(cgroupsOf(), '');
      await k.ok('delete', 'pod', 'traces', '--timeout=60s');
      assert.deepEqual(runtimeRecords(server.dataDir, 'sandboxes', uid), []);
      assert.deepEqual(runtimeRecords(server.dataDir, 'containers', uid), []);
      for (const r of [...sandboxes.map((s) => join('sandboxes', s.id)), ...containers.map((c) => join('containers', c.id)), ...containers.map((c) => join('exits', c.id))]) {
        assert.equal(existsSync(join(server.dataDir, 'runtime', r)), false, `runtime/${r} is gone`);
      }
      assert.deepEqual(mountsOf(), []);
      assert.equal(existsSync(sandboxes[0].netnsPath!), false, 'the network namespace file is gone');
      assert.ok(!leases().includes(p.status.podIP!), 'the IP went back to host-local');
      assert.equal(cgroupsOf(), '');
      assert.equal(existsSync(join(server.dataDir, 'agent', 'kubelet', 'pods', uid)), false, 'the pod directory is gone');
      await k.ok('delete', 'configmap', 'traces');
    });
  });
});
