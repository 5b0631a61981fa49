import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabels } from '../../cli/hollow.js';
import { nodeIP, nodeObject } from './node-object.js';
import { exitAfterSeconds, runningStatus, succeededStatus } from './pod-status.js';

const pod = {
  metadata: { uid: 'u1', namespace: 'default', name: 'p', annotations: { 'hollow.k8ts.io/exit-after-seconds': '3' } },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], restartPolicy: 'Never' },
};

test('nodeObject: labels, Ready condition, capacity and addresses', () => {
  const n = nodeObject({ name: 'h-1', index: 1, cpu: '4', memory: '16Gi', pods: 110, ephemeralStorage: '100Gi', labels: { zone: 'a' } }, Date.UTC(2026, 0, 1)) as {
    metadata: { labels: Record<string, string> };
    status: { allocatable: Record<string, string>; conditions: { type: string; status: string; reason: string }[]; addresses: { type: string; address: string }[] };
  };
  assert.equal(n.metadata.labels['kubernetes.io/hostname'], 'h-1');
  assert.equal(n.metadata.labels.type, 'hollow');
  assert.equal(n.metadata.labels.zone, 'a');
  assert.equal(n.metadata.labels['kubernetes.io/arch'], 'amd64');
  assert.deepEqual(n.status.allocatable, { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' });
  const ready = n.status.conditions.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'True');
  assert.equal(ready?.reason, 'KubeletReady');
  assert.deepEqual(n.status.addresses[0], { type: 'InternalIP', address: nodeIP(1) });
  assert.notEqual(nodeIP(1), nodeIP(257));
});

test('runningStatus: Running, ready containers with fake ids, all conditions True', () => {
  const s = runningStatus(pod, '10.200.0.1', '10.244.0.2', Date.UTC(2026, 0, 1)) as {
    phase: string; podIP: string; hostIP: string; startTime: string;
    conditions: { type: string; status: string }[];
    containerStatuses: { ready: boolean; started: boolean; containerID: string; imageID: string; state: { running?: unknown } }[];
  };
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.244.0.2');
  assert.equal(s.hostIP, '10.200.0.1');
  assert.equal(s.startTime, '2026-01-01T00:00:00Z');
  for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) assert.equal(s.conditions.find((c) => c.type === t)?.status, 'True', t);
  const c = s.containerStatuses[0];
  assert.equal(c.ready && c.started, true);
  assert.match(c.containerID, /^fake:\/\/u1-c$/);
  assert.match(c.imageID, /^busybox@sha256:[0-9a-f]{64}$/);
  assert.ok(c.state.running);
});

test('succeededStatus and exitAfterSeconds', () => {
  assert.equal(exitAfterSeconds(pod), 3);
  assert.equal(exitAfterSeconds({ ...pod, spec: { ...pod.spec, restartPolicy: 'Always' } }), undefined);
  assert.equal(exitAfterSeconds({ ...pod, metadata: { ...pod.metadata, annotations: {} } }), undefined);
  const s = succeededStatus(pod, Date.UTC(2026, 0, 1)) as { phase: string; containerStatuses: { state: { terminated?: { exitCode: number } } }[] };
  assert.equal(s.phase, 'Succeeded');
  assert.equal(s.containerStatuses[0].state.terminated?.exitCode, 0);
});

test('parseLabels for --labels', () => {
  assert.deepEqual(parseLabels('a=b, c=d'), { a: 'b', c: 'd' });
  assert.deepEqual(parseLabels(''), {});
  assert.throws(() => parseLabels('novalue'), /invalid label/);
});
