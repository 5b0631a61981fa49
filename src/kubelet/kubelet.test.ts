import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../client/testing/wait.js';
import { L_CONTAINER_NAME, L_POD_UID } from './labels.js';
import { FakeNode } from './testing/fake-node.js';
import type { Pod } from './types.js';
import type { AuthConfig, ImageService, ImageSpec } from '../runtime/cri.js';

async function node(t: { after(fn: () => Promise<void>): void }, opts?: ConstructorParameters<typeof FakeNode>[0]): Promise<FakeNode> {
  const n = new FakeNode(opts);
  t.after(() => n.stop());
  await n.start();
  return n;
}

test('a pod bound to the node runs: sandbox, container, Running status, events', async (t) => {
  const n = await node(t);
  const pod = n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', command: ['sleep'] }] } });
  const s = await n.waitFor('Running and Ready', (s) => s.phase === 'Running' && !!s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const cs = s.containerStatuses![0];
  assert.equal(cs.name, 'c');
  assert.ok(cs.state.running?.startedAt);
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.equal(cs.restartCount, 0);
  assert.match(cs.containerID ?? '', /^k8ts:\/\/[0-9a-f]{64}$/);
  assert.equal(s.podIP, '10.42.0.2');
  assert.deepEqual(s.hostIPs, [{ ip: '192.0.2.10' }]);
  assert.equal(s.qosClass, 'BestEffort');
  assert.deepEqual(s.conditions!.map((c) => c.type).sort(), ['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready']);
  const sbs = await n.runtime.listPodSandbox({ labelSelector: { [L_POD_UID]: pod.metadata.uid! } });
  assert.equal(sbs.length, 1);
  assert.equal(n.cgroups.pods.get(pod.metadata.uid!)?.name, `/kubepods/besteffort/pod${pod.metadata.uid}`);
  await until(() => n.events().some((e) => e.reason === 'Started'), 'Started event');
  const reasons = n.events().map((e) => `${e.reason}: ${e.message}`);
  assert.ok(reasons.includes('Created: Created container: c'), reasons.join('\n'));
  assert.ok(reasons.some((r) => /^Pulled: Successfully pulled image "busybox:1" in [\d.]+m?s \([\d.]+m?s including waiting\)/.test(r)), reasons.join('\n'));
});

test('restartPolicy Never: exit 1 is Failed with the exit code, exit 0 Succeeded', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1', command: ['exit', '1'] }] } }, 'bad');
  n.addPod({ spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1', command: ['exit', '0'] }] } }, 'good');
  const bad = await n.waitFor('Failed', (s) => s.phase === 'Failed', 'bad');
  assert.equal(bad.containerStatuses![0].state.terminated?.exitCode, 1);
  assert.equal(bad.containerStatuses![0].state.terminated?.reason, 'Error');
  const good = await n.waitFor('Succeeded', (s) => s.phase === 'Succeeded', 'good');
  assert.equal(good.containerStatuses![0].state.terminated?.reason, 'Completed');
  assert.equal(good.conditions!.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
  // Nothing is restarted afterwards.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(n.status('bad').containerStatuses![0].restartCount, 0);
});

test('restartPolicy Always: a crashing container restarts with back-off (CrashLoopBackOff)', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', command: ['exit', '2'] }] } });
  const s = await n.waitFor('CrashLoopBackOff', (s) => s.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff');
  const cs = s.containerStatuses![0];
  assert.ok(cs.restartCount >= 1);
  assert.equal(cs.lastState.terminated?.exitCode, 2);
  assert.match(cs.state.waiting!.message!, /^back-off \d+s restarting failed container=c pod=p_default\(uid-p-/);
  assert.equal(s.phase, 'Running');
  await n.waitFor('more restarts', (s) => (s.containerStatuses?.[0]?.restartCount ?? 0) >= 3);
  assert.ok(n.events().some((e) => e.reason === 'BackOff' && /^Back-off restarting failed container c in pod p_default/.test(e.message)));
  // Only the newest dead instance is kept besides the current one.
  const all = await n.runtime.listContainers({ labelSelector: { [L_CONTAINER_NAME]: 'c' } });
  assert.ok(all.length <= 2, `containers kept: ${all.length}`);
});

test('init containers run in order to completion before app containers', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { initContainers: [{ name: 'i1', image: 'busybox:1', command: ['exit', '0'] }, { name: 'i2', image: 'busybox:1', command: ['exit', '0'] }], containers: [{ name: 'c', image: 'busybox:1' }] } });
  const s = await n.waitFor('Running', (s) => s.phase === 'Running');
  assert.deepEqual(s.initContainerStatuses!.map((c) => c.state.terminated?.reason), ['Completed', 'Completed']);
  assert.equal(s.conditions!.find((c) => c.type === 'Initialized')?.status, 'True');
  const created = (await n.runtime.listContainers()).sort((a, b) => a.createdAt - b.createdAt).map((c) => c.metadata.name);
  assert.deepEqual(created, ['i1', 'i2', 'c']);
});

test('a failing init container with restartPolicy Never fails the pod; apps never start', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { restartPolicy: 'Never', initContainers: [{ name: 'i', image: 'busybox:1', command: ['exit', '3'] }], containers: [{ name: 'c', image: 'busybox:1' }] } });
  const s = await n.waitFor('Failed', (s) => s.phase === 'Failed');
  assert.equal(s.initContainerStatuses![0].state.terminated?.exitCode, 3);
  assert.equal(s.containerStatuses![0].state.waiting?.reason, 'PodInitializing');
  assert.equal((await n.runtime.listContainers({ labelSelector: { [L_CONTAINER_NAME]: 'c' } })).length, 0);
});

test('image pulls: ErrImagePull then ImagePullBackOff; Never without the image is ErrImageNeverPull', async (t) => {
  const n = await node(t, { images: { pullable: (ref) => !ref.startsWith('missing') } });
  n.addPod({ spec: { containers: [{ name: 'c', image: 'missing:1', imagePullPolicy: 'IfNotPresent' }] } }, 'a');
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:2', imagePullPolicy: 'Never' }] } }, 'b');
  const seen = new Set<string>();
  await until(() => {
    const r = n.status('a').containerStatuses?.[0]?.state.waiting?.reason;
    if (r) seen.add(r);
    return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
  }, `pull reasons (seen ${[...seen]})`, 10_000, 2);
  const b = await n.waitFor('ErrImageNeverPull', (s) => s.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImageNeverPull', 'b');
  assert.equal(b.containerStatuses![0].state.waiting?.message, 'Container image "busybox:2" is not present with pull policy of Never');
  assert.equal(b.phase, 'Pending');
  assert.ok(n.events().some((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image "missing:1"')));
});

test('graceful deletion stops containers, removes the sandbox and deletes the pod object', async (t) => {
  const n = await node(t);
  const pod = n.addPod({ spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'c', image: 'busybox:1' }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  // What the API server does on DELETE with a grace period (a finalizer keeps the fake from dropping it at once).
  const cur = n.pod()!;
  n.api.put('pods', { ...cur, metadata: { ...cur.metadata, finalizers: ['test/hold'], deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 5 } } as unknown as Parameters<typeof n.api.put>[1]);
  await until(() => n.api.requests.some((r) => r.startsWith('DELETE /api/v1/namespaces/default/pods/p')), 'pod deleted by the kubelet', 10_000);
  assert.equal((await n.runtime.listPodSandbox()).length, 0);
  assert.equal((await n.runtime.listContainers()).length, 0);
  assert.equal(n.cgroups.pods.has(pod.metadata.uid!), false);
  const final = n.status();
  assert.equal(final.phase, 'Failed'); // stopped by SIGTERM (143) before deletion
  assert.equal(final.containerStatuses![0].state.terminated?.exitCode, 143);
  assert.ok(n.events().some((e) => e.reason === 'Killing' && e.message === 'Stopping container c'));
});

test('a restarted kubelet adopts running containers instead of duplicating them', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1' }] } });
  const before = await n.waitFor('Running', (s) => s.phase === 'Running');
  await n.kubelet.stop();
  n.kubelet = n.newKubelet();
  await n.kubelet.start();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await n.runtime.listContainers()).length, 1);
  assert.equal((await n.runtime.listPodSandbox()).length, 1);
  assert.equal(n.status().containerStatuses![0].containerID, before.containerStatuses![0].containerID);
  assert.equal(n.status().podIP, before.podIP);
});

test('at start, sandboxes of pods the API no longer has are removed', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1' }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  await n.kubelet.stop();
  n.api.remove('pods', 'default', 'p'); // force-deleted while the kubelet was down
  n.kubelet = n.newKubelet();
  await n.kubelet.start();
  assert.equal((await n.runtime.listPodSandbox()).length, 0);
  assert.equal((await n.runtime.listContainers()).length, 0);
});

test('a failing liveness probe restarts the container; readiness drives Ready', async (t) => {
  let healthy = true;
  const n = await node(t, {
    exec: (_id, cmd) => ({ stdout: Buffer.alloc(0), stderr: Buffer.from(cmd[0] === 'live' && !healthy ? 'dead\n' : ''), exitCode: cmd[0] === 'live' ? (healthy ? 0 : 1) : cmd[0] === 'ready' ? 0 : 1 }),
  });
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', livenessProbe: { exec: { command: ['live'] }, periodSeconds: 0.05, failureThreshold: 2 }, readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 0.05 } }] } });
  await n.waitFor('Ready', (s) => s.containerStatuses?.[0]?.ready === true);
  healthy = false;
  await n.waitFor('restarted', (s) => (s.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
  healthy = true;
  assert.ok(n.events().some((e) => e.reason === 'Unhealthy' && e.message === 'Liveness probe failed: dead'));
  assert.ok(n.events().some((e) => e.reason === 'Killing' && e.message === 'Container c failed liveness probe, will be restarted'));
  await n.waitFor('Ready again', (s) => s.containerStatuses?.[0]?.ready === true && s.containerStatuses[0].state.running !== undefined);
});

test('a never-passing readiness probe keeps the pod not Ready', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', readinessProbe: { exec: { command: ['false'] }, periodSeconds: 0.05, failureThreshold: 1 } }] } });
  await until(() => n.events().some((e) => e.reason === 'Unhealthy'), 'readiness failure');
  const s = n.status();
  assert.equal(s.phase, 'Running');
  assert.equal(s.containerStatuses![0].ready, false);
  const ready = s.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'False');
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [c]');
});

test('env from config maps, secrets and fields reaches the container, with $(VAR) expansion', async (t) => {
  const n = await node(t);
  n.api.put('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: 'A', b: 'B' } });
  n.api.put('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { pw: Buffer.from('hunter2').toString('base64') } });
  const pod: Pod = n.addPod({ spec: { containers: [{
    name: 'c', image: 'busybox:1', command: ['sleep', '$(X)'],
    envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
    env: [
      { name: 'X', value: 'x-$(CM_a)' },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
    ],
  }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  const [c] = await n.runtime.listContainers({ labelSelector: { [L_POD_UID]: pod.metadata.uid! } });
  const st = await n.runtime.containerStatus(c.id);
  assert.ok(st.mounts.some((m) => m.containerPath === '/etc/hosts'));
  assert.ok(st.mounts.some((m) => m.containerPath === '/dev/termination-log'));
});

test('activeDeadlineSeconds: the pod is killed and Failed with reason DeadlineExceeded', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { activeDeadlineSeconds: 1, containers: [{ name: 'c', image: 'busybox:1' }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  const s = await n.waitFor('Failed', (s) => s.phase === 'Failed', 'p', 15_000);
  assert.equal(s.reason, 'DeadlineExceeded');
  assert.equal(s.message, 'Pod was active on the node longer than the specified deadline');
  assert.equal(s.containerStatuses![0].state.terminated?.exitCode, 143);
});

test('a dead sandbox is replaced and its containers started again (restartPolicy Always)', async (t) => {
  const n = await node(t);
  const pod = n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1' }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  const [sb] = await n.runtime.listPodSandbox({ labelSelector: { [L_POD_UID]: pod.metadata.uid! } });
  await n.runtime.stopPodSandbox(sb.id);
  await until(async () => (await n.runtime.listPodSandbox({ state: 'SANDBOX_READY' })).some((s) => s.metadata.attempt === 1), 'sandbox attempt 1');
  const s = await n.waitFor('running again', (s) => s.containerStatuses?.[0]?.state.running !== undefined && s.containerStatuses[0].restartCount === 1);
  assert.equal(s.phase, 'Running');
});

test('imagePullSecrets: dockerconfigjson credentials go with the pull of a matching registry', async (t) => {
  const n = new FakeNode();
  const auths: unknown[] = [];
  const images = n.images as ImageService;
  const pull = images.pullImage.bind(images);
  images.pullImage = async (image: ImageSpec, auth?: AuthConfig) => {
    auths.push(auth);
    return pull(image);
  };
  t.after(() => n.stop());
  await n.start();
  const cfg = JSON.stringify({ auths: { 'reg.example:5000': { username: 'robot', password: 'pw' } } });
  n.api.put('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(cfg).toString('base64') } });
  n.addPod({ spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: 'reg.example:5000/app:1', imagePullPolicy: 'Always' }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  assert.deepEqual(auths[0], { username: 'robot', password: 'pw', identityToken: undefined });
});

test('terminationMessagePolicy FallbackToLogsOnError: a failed container without a message reports its log tail', async (t) => {
  const n = await node(t);
  n.addPod({ spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1', command: ['exit', '1', 'last words'], terminationMessagePolicy: 'FallbackToLogsOnError' }] } });
  const s = await n.waitFor('Failed', (s) => s.phase === 'Failed');
  assert.equal(s.containerStatuses![0].state.terminated?.message, 'last words');
});
