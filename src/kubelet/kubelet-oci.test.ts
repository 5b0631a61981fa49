// The kubelet with everything real but the network: a real API server (with kubectl),
// the OCI runtime (crun under conmon) and the project's busybox image. hostNetwork is
// not needed: pods get their own network namespace with loopback only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RestClient, realClock } from '../client/index.js';
import { until } from '../client/testing/wait.js';
import { ImageStore } from '../runtime/oci/image/index.js';
import { writeTestImages } from '../runtime/oci/image/testing/fixtures.js';
import { ImageStoreRootfsProvider, OciImageService } from '../runtime/oci/images.js';
import { OciRuntimeService } from '../runtime/oci/index.js';
import { forceCleanup } from '../runtime/oci/testing/harness.js';
import { TestServer, kubectlVersions } from '../../test/e2e/harness.js';
import { CgroupV1PodCgroups, removeCgroupHierarchy } from './cgroups/pod-cgroups.js';
import { ExitFileEvents } from './exit-events.js';
import { Kubelet } from './kubelet.js';
import { EmptyDirVolumeManager, NoNetwork } from './testing/trivial.js';
import type { Pod } from './types.js';
import { isStateMount } from '../runtime/oci/volatile-state.js';

const run = promisify(execFile);
const NODE = 'oci-node';
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/crun') && kubectlVersions.length > 0;

async function mountsUnder(prefix: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => !!m && m.startsWith(prefix + '/')).sort((a, b) => b.length - a.length);
}

/** mountsUnder without the runtime's own state tmpfs mounts, which last as long as it does. */
async function leftoverMountsUnder(prefix: string): Promise<string[]> {
  return (await mountsUnder(prefix)).filter((m) => !isStateMount(m));
}

function podYaml(name: string, restartPolicy: string, script: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: {
      nodeName: NODE, restartPolicy, terminationGracePeriodSeconds: 10,
      containers: [{ name: 'c', image: 'k8ts.test/busybox:latest', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] }],
    },
  });
}

test('kubelet on crun: a pod runs, logs, is deleted gracefully; a failing container fails its pod', { skip: !canRun && 'needs root, crun and kubectl', timeout: 240_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-kubelet-oci-'));
  const cgTop = `/k8ts-kubelet-test-${path.basename(dir).split('-').pop()}`;
  const runtimeRoot = path.join(dir, 'runtime');
  const rootDir = path.join(dir, 'kubelet');
  let kubelet: Kubelet | undefined;
  let runtime: OciRuntimeService | undefined;
  let server: TestServer | undefined;
  let client: RestClient | undefined;
  t.after(async () => {
    await kubelet?.stop().catch(() => {});
    client?.close();
    if (runtime) for (const s of await runtime.listPodSandbox().catch(() => [])) await runtime.removePodSandbox(s.id).catch(() => {});
    await forceCleanup(runtimeRoot, ['crun', 'runc'], cgTop).catch(() => {});
    await removeCgroupHierarchy(cgTop);
    for (const m of await mountsUnder(dir)) await run('umount', ['-l', m]).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    await server?.cleanup();
  });

  server = await TestServer.start({ args: ['--disable-controllers'] });
  const kubectl = kubectlVersions[kubectlVersions.length - 1];
  const store = new ImageStore({ root: path.join(dir, 'images') });
  runtime = await OciRuntimeService.create({ root: runtimeRoot, rootfs: new ImageStoreRootfsProvider(store), runtime: 'crun', cgroupParent: cgTop, log: () => {} });
  await mkdir(path.join(dir, 'fixtures'));
  const built = await writeTestImages(path.join(dir, 'fixtures'));
  await store.importArchive(built.ociArchive);
  client = RestClient.fromKubeconfig(server.kubeconfig);
  const newKubelet = () => new Kubelet({
    client: client!, nodeName: NODE, runtime: runtime!, images: new OciImageService(store), network: new NoNetwork(),
    volumes: new EmptyDirVolumeManager(rootDir, true), rootDir, log: { info: () => {}, warn: (m) => console.error(m), error: (m) => console.error(m) },
    cgroups: new CgroupV1PodCgroups('/sys/fs/cgroup', cgTop), resyncMs: 500,
    containerEvents: new ExitFileEvents({ dir: path.join(runtimeRoot, 'exits'), clock: realClock, log: { info: () => {}, warn: (m) => console.error(m), error: (m) => console.error(m) } }),
  });
  kubelet = newKubelet();
  await kubelet.start();

  const get = async (name: string): Promise<Pod | null> => {
    const r = server!.kubectl(kubectl, ['get', 'pod', name, '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as Pod) : null;
  };
  const waitPhase = async (name: string, phase: string): Promise<Pod> => {
    const seen: { pod: Pod | null } = { pod: null };
    try {
      await until(async () => (seen.pod = await get(name))?.status?.phase === phase, `pod ${name} ${phase}`, 90_000, 250);
    } catch (e) {
      const events = server!.kubectl(kubectl, ['get', 'events']).stdout;
      throw new Error(`${(e as Error).message}: ${JSON.stringify(seen.pod?.status)}\n${events}`);
    }
    return seen.pod!;
  };

  // A long-running pod: Running, its output in the CRI log file, a pod cgroup.
  server.ok(kubectl, ['apply', '-f', '-'], podYaml('hello', 'Always', 'echo hello; trap "exit 0" TERM; while true; do sleep 1; done'));
  let pod: Pod = await waitPhase('hello', 'Running');
  const cs = pod.status!.containerStatuses![0];
  assert.ok(cs.state.running?.startedAt);
  assert.match(cs.containerID ?? '', /^k8ts:\/\//);
  assert.equal(cs.ready, true);
  assert.deepEqual(pod.status!.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  const uid = pod.metadata.uid!;
  const logFile = path.join(rootDir, 'logs', `default_hello_${uid}`, 'c', '0.log');
  await until(async () => (await readFile(logFile, 'utf8').catch(() => '')).includes(' stdout F hello'), 'hello in the log file', 30_000, 200);
  assert.ok(existsSync(`/sys/fs/cgroup/cpu${cgTop}/besteffort/pod${uid}`), 'pod cgroup under besteffort');
  const events = server.ok(kubectl, ['get', 'events', '-o', 'json']);
  assert.match(events, /Started container c/);

  // A restarted kubelet adopts the running container: same id, no restart, no duplicate.
  await kubelet.stop();
  kubelet = newKubelet();
  await kubelet.start();
  await new Promise((r) => setTimeout(r, 2000));
  const again = (await get('hello'))!;
  assert.equal(again.status!.containerStatuses![0].containerID, cs.containerID);
  assert.equal(again.status!.containerStatuses![0].restartCount, 0);
  assert.equal((await runtime.listContainers()).length, 1);
  assert.equal((await runtime.listPodSandbox()).length, 1);

  // Graceful deletion: the container's TERM trap exits 0, the kubelet deletes the object.
  server.ok(kubectl, ['delete', 'pod', 'hello', '--wait=false']);
  await until(async () => (await get('hello')) === null, 'pod hello gone', 90_000, 250);
  assert.deepEqual(await runtime.listPodSandbox(), []);
  assert.equal(existsSync(`/sys/fs/cgroup/cpu${cgTop}/besteffort/pod${uid}`), false, 'pod cgroup removed');

  // restartPolicy Never and exit 1: Failed, with the exit code and the termination message.
  server.ok(kubectl, ['apply', '-f', '-'], podYaml('fails', 'Never', 'echo bye > /dev/termination-log; exit 1'));
  pod = await waitPhase('fails', 'Failed');
  const term = pod.status!.containerStatuses![0].state.terminated!;
  assert.equal(term.exitCode, 1);
  assert.equal(term.reason, 'Error');
  assert.equal(term.message, 'bye\n');
  server.ok(kubectl, ['delete', 'pod', 'fails', '--wait=false']);
  await until(async () => (await get('fails')) === null, 'pod fails gone', 90_000, 250);
  // A terminal pod is deleted at once by the API server; the kubelet cleans up after it.
  await until(async () => (await readdir(path.join(rootDir, 'pods')).catch(() => [])).length === 0, 'pod directories removed', 30_000, 100);
  await until(async () => (await runtime!.listPodSandbox()).length === 0, 'sandboxes removed', 30_000, 100);
  assert.deepEqual(await leftoverMountsUnder(runtimeRoot), [], 'no mounts left');
});
