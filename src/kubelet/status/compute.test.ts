import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus } from '../../runtime/cri.js';
import { A_CONTAINER_KIND, L_CONTAINER_NAME } from '../labels.js';
import type { PodRuntimeState } from '../runtime-state.js';
import type { Pod } from '../types.js';
import { computePodStatus, podPhase, type StatusInput } from './compute.js';

const S = 1e9;
function ctr(name: string, attempt: number, state: ContainerStatus['state'], exitCode = 0, kind: 'init' | 'app' = 'app'): ContainerStatus {
  return {
    id: `${name}-${attempt}`, podSandboxId: 'sb', metadata: { name, attempt }, image: { image: 'img' }, imageRef: 'sha256:abc', state,
    createdAt: 100 * S, startedAt: 101 * S, finishedAt: state === 'CONTAINER_EXITED' ? 105 * S : 0, exitCode,
    reason: state === 'CONTAINER_EXITED' ? (exitCode === 0 ? 'Completed' : 'Error') : '', message: '',
    labels: { [L_CONTAINER_NAME]: name }, annotations: { [A_CONTAINER_KIND]: kind }, mounts: [], logPath: '',
  };
}

const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never', init = false): Pod => ({
  metadata: { name: 'p', namespace: 'd', uid: 'u' },
  spec: { restartPolicy, containers: [{ name: 'a', image: 'img' }, { name: 'b', image: 'img' }], ...(init ? { initContainers: [{ name: 'i', image: 'img' }] } : {}) },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});

function input(p: Pod, containers: ContainerStatus[], extra: Partial<StatusInput> = {}): StatusInput {
  const state: PodRuntimeState = { sandboxes: [{ id: 'sb', metadata: { name: 'p', uid: 'u', namespace: 'd', attempt: 0 }, state: 'SANDBOX_READY', createdAt: 0, netnsPath: '/x', labels: {}, annotations: {} }], containers };
  return { pod: p, state, waiting: new Map(), messages: new Map(), ready: () => true, started: () => true, podIPs: ['10.42.0.9'], hostIPs: ['192.0.2.1'], terminal: false, nowMs: Date.UTC(2026, 5, 1), ...extra };
}

test('phase: Running while any container runs, by restartPolicy once all stopped', () => {
  const run = ctr('a', 0, 'CONTAINER_RUNNING');
  const ok = ctr('b', 0, 'CONTAINER_EXITED', 0);
  const bad = ctr('b', 0, 'CONTAINER_EXITED', 1);
  assert.equal(computePodStatus(input(pod('Never'), [run, ok])).phase, 'Running');
  assert.equal(computePodStatus(input(pod('Never'), [ctr('a', 0, 'CONTAINER_EXITED', 0), ok])).phase, 'Succeeded');
  assert.equal(computePodStatus(input(pod('Never'), [ctr('a', 0, 'CONTAINER_EXITED', 0), bad])).phase, 'Failed');
  assert.equal(computePodStatus(input(pod('OnFailure'), [ctr('a', 0, 'CONTAINER_EXITED', 0), bad])).phase, 'Running');
  assert.equal(computePodStatus(input(pod('Always'), [ctr('a', 0, 'CONTAINER_EXITED', 0), ok])).phase, 'Running');
  assert.equal(computePodStatus(input(pod('Always'), [run])).phase, 'Pending', 'b not created yet');
  // Stopped by the kubelet for deletion: terminal.
  assert.equal(computePodStatus(input(pod('Always'), [ctr('a', 0, 'CONTAINER_EXITED', 0), ok], { terminal: true })).phase, 'Succeeded');
  assert.equal(computePodStatus(input(pod('Always'), [ctr('a', 0, 'CONTAINER_EXITED', 143), ok], { terminal: true })).phase, 'Failed');
});

test('phase: init containers keep the pod Pending; a failed one with Never fails it', () => {
  const init = [{ name: 'i', state: { running: {} }, lastState: {}, ready: false, restartCount: 0, image: '', imageID: '' }];
  assert.equal(podPhase(pod('Never', true), init, [], false), 'Pending');
  const failed = [{ ...init[0], state: { terminated: { exitCode: 1 } } }];
  assert.equal(podPhase(pod('Never', true), failed, [], false), 'Failed');
  assert.equal(podPhase(pod('Always', true), failed, [], false), 'Pending');
});

test('container statuses: running, crash-looping with lastState, waiting reasons, ready and ids', () => {
  const p = pod('Always');
  const waiting = new Map([['app/b', { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=b pod=p_d(u)' }]]);
  const s = computePodStatus(input(p, [ctr('a', 0, 'CONTAINER_RUNNING'), ctr('b', 2, 'CONTAINER_EXITED', 1), ctr('b', 1, 'CONTAINER_EXITED', 1)], { waiting, messages: new Map([['b-2', 'boom']]) }));
  const [a, b] = s.containerStatuses!;
  assert.deepEqual(a.state, { running: { startedAt: '1970-01-01T00:01:41Z' } });
  assert.equal(a.ready, true);
  assert.equal(a.containerID, 'k8ts://a-0');
  assert.equal(a.imageID, 'k8ts://sha256:abc');
  assert.equal(b.restartCount, 2);
  assert.equal(b.state.waiting?.reason, 'CrashLoopBackOff');
  assert.deepEqual(b.lastState.terminated, { exitCode: 1, reason: 'Error', message: 'boom', startedAt: '1970-01-01T00:01:41Z', finishedAt: '1970-01-01T00:01:45Z', containerID: 'k8ts://b-2' });
  assert.equal(b.ready, false);
  assert.equal(s.phase, 'Running');
  const ready = s.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ContainersNotReady', 'containers with unready status: [b]']);
  assert.equal(s.conditions!.find((c) => c.type === 'PodScheduled')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(s.podIP, '10.42.0.9');
  assert.equal(s.qosClass, 'BestEffort');
});

test('conditions keep lastTransitionTime while their status holds', () => {
  const p = pod('Always');
  const first = computePodStatus(input(p, [ctr('a', 0, 'CONTAINER_RUNNING'), ctr('b', 0, 'CONTAINER_RUNNING')], { nowMs: Date.UTC(2026, 5, 1) }));
  const again = computePodStatus(input({ ...p, status: first }, [ctr('a', 0, 'CONTAINER_RUNNING'), ctr('b', 0, 'CONTAINER_RUNNING')], { nowMs: Date.UTC(2026, 5, 2) }));
  assert.equal(again.conditions!.find((c) => c.type === 'Ready')?.lastTransitionTime, '2026-06-01T00:00:00Z');
  const unready = computePodStatus(input({ ...p, status: again }, [ctr('a', 0, 'CONTAINER_RUNNING'), ctr('b', 0, 'CONTAINER_RUNNING')], { nowMs: Date.UTC(2026, 5, 3), ready: (n) => n !== 'b' }));
  assert.equal(unready.conditions!.find((c) => c.type === 'Ready')?.lastTransitionTime, '2026-06-03T00:00:00Z');
  assert.equal(unready.startTime, first.startTime);
});

test('a pod not yet initialized: init PodInitializing, apps PodInitializing, Initialized False', () => {
  const s = computePodStatus(input(pod('Always', true), [ctr('i', 0, 'CONTAINER_RUNNING', 0, 'init')]));
  assert.equal(s.initContainerStatuses![0].state.running !== undefined, true);
  assert.equal(s.containerStatuses![0].state.waiting?.reason, 'PodInitializing');
  const init = s.conditions!.find((c) => c.type === 'Initialized')!;
  assert.deepEqual([init.status, init.reason, init.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [i]']);
  assert.equal(s.phase, 'Pending');
});

test('readiness gates hold Ready back until their conditions are True', () => {
  const p: Pod = { ...pod('Always'), spec: { ...pod('Always').spec, readinessGates: [{ conditionType: 'example.com/lb' }] } };
  const running = [ctr('a', 0, 'CONTAINER_RUNNING'), ctr('b', 0, 'CONTAINER_RUNNING')];
  const s = computePodStatus(input(p, running));
  const ready = s.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/lb" does not exist.']);
  assert.equal(s.conditions!.find((c) => c.type === 'ContainersReady')?.status, 'True');
  const gated = { ...p, status: { ...p.status, conditions: [...p.status!.conditions!, { type: 'example.com/lb', status: 'True' as const }] } };
  const s2 = computePodStatus(input(gated, running));
  assert.equal(s2.conditions!.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(s2.conditions!.find((c) => c.type === 'example.com/lb')?.status, 'True', 'foreign conditions kept');
});
