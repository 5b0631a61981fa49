import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podStatusCells } from './pods.js';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (sec: number): string => new Date(now.getTime() - sec * 1000).toISOString();

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: { name: 'p', creationTimestamp: ago(600), ...meta }, spec, status };
}
const one = { containers: [{ name: 'c' }] };
const running = (ready = true, restartCount = 0, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'c', ready, restartCount, state: { running: { startedAt: ago(60) } }, ...extra,
});

test('running and ready', () => {
  assert.deepEqual(podStatusCells(pod(one, { phase: 'Running', containerStatuses: [running()] }), now), { ready: '1/1', status: 'Running', restarts: '0' });
});

test('pending without statuses', () => {
  assert.deepEqual(podStatusCells(pod(one, { phase: 'Pending' }), now), { ready: '0/1', status: 'Pending', restarts: '0' });
});

test('ContainerCreating and CrashLoopBackOff with restart age', () => {
  assert.equal(podStatusCells(pod(one, { phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }), now).status, 'ContainerCreating');
  const crashing = pod(one, {
    phase: 'Running',
    containerStatuses: [{ name: 'c', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }],
  });
  assert.deepEqual(podStatusCells(crashing, now), { ready: '0/1', status: 'CrashLoopBackOff', restarts: '2 (5m ago)' });
});

test('Completed, exit codes and signals', () => {
  const done = pod(one, { phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.equal(podStatusCells(done, now).status, 'Completed');
  const code = pod(one, { phase: 'Failed', containerStatuses: [{ name: 'c', restartCount: 0, state: { terminated: { exitCode: 3 } } }] });
  assert.equal(podStatusCells(code, now).status, 'ExitCode:3');
  const sig = pod(one, { phase: 'Failed', containerStatuses: [{ name: 'c', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] });
  assert.equal(podStatusCells(sig, now).status, 'Signal:9');
});

test('init containers', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'c' }] };
  const waitingInit = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'i2', restartCount: 0, state: { running: {} } },
    ],
    containerStatuses: [{ name: 'c', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
  });
  assert.deepEqual(podStatusCells(waitingInit, now), { ready: '0/1', status: 'Init:1/2', restarts: '0' });
  const failedInit = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [{ name: 'i1', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } }],
  });
  assert.deepEqual(podStatusCells(failedInit, now), { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3 (30s ago)' });
  const errInit = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 2 } } }] });
  assert.equal(podStatusCells(errInit, now).status, 'Init:ExitCode:2');
});

test('sidecar init containers count as containers', () => {
  const spec = { initContainers: [{ name: 'side', restartPolicy: 'Always' }], containers: [{ name: 'c' }] };
  const p = pod(spec, {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [{ name: 'side', ready: true, started: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(120) } } }],
    containerStatuses: [running()],
  });
  assert.deepEqual(podStatusCells(p, now), { ready: '2/2', status: 'Running', restarts: '1 (2m ago)' });
});

test('Terminating, NotReady, SchedulingGated', () => {
  const term = pod(one, { phase: 'Running', containerStatuses: [running()] }, { deletionTimestamp: ago(1) });
  assert.equal(podStatusCells(term, now).status, 'Terminating');
  const two = { containers: [{ name: 'a' }, { name: 'c' }] };
  const mixed = pod(two, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running()],
  });
  assert.deepEqual(podStatusCells(mixed, now), { ready: '1/2', status: 'NotReady', restarts: '0' });
  const gated = pod(one, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(podStatusCells(gated, now).status, 'SchedulingGated');
});
