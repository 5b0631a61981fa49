import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostInfo } from './host-info.js';
import { allocatableOf, capacityOf, computeConditions, computeNodeStatus, MiB, nodeImages, pressureOf, statusChanged, type StatusInputs } from './node-status.js';

const GiB = 1024 * MiB;

function host(over: Partial<HostInfo> = {}): HostInfo {
  return {
    cpuCores: 2,
    memory: { totalBytes: 8 * GiB, availableBytes: 6 * GiB },
    fs: { capacityBytes: 100 * GiB, availableBytes: 50 * GiB },
    pids: { max: 32768, running: 300 },
    machineID: 'm1', systemUUID: 'u1', bootID: 'b1', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)',
    ...over,
  };
}

function inputs(h: HostInfo, over: Partial<StatusInputs> = {}): StatusInputs {
  return { host: h, nodeName: 'n1', internalIP: '10.0.0.5', kubeletPort: 10250, kubeletVersion: 'v1.33.0-k8ts', containerRuntimeVersion: 'k8ts://0.1.0', images: [], ready: { ready: true }, ...over };
}

test('capacity and allocatable in the units a kubelet reports', () => {
  const h = host();
  assert.deepEqual(capacityOf(h), { cpu: '2', memory: `${8 * 1024 * 1024}Ki`, 'ephemeral-storage': `${100 * 1024 * 1024}Ki`, pods: '110', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' });
  const a = allocatableOf(h);
  assert.equal(a.memory, `${8 * 1024 * 1024 - 100 * 1024}Ki`);
  assert.equal(a['ephemeral-storage'], String(Math.floor(100 * GiB * 0.9)));
  assert.equal(a.cpu, '2');
  assert.equal(a.pods, '110');
});

test('pressure follows the eviction thresholds', () => {
  assert.deepEqual(pressureOf(host()), { memory: false, disk: false, pid: false });
  assert.equal(pressureOf(host({ memory: { totalBytes: GiB, availableBytes: 99 * MiB } })).memory, true);
  assert.equal(pressureOf(host({ fs: { capacityBytes: 100 * GiB, availableBytes: 9 * GiB } })).disk, true);
  assert.equal(pressureOf(host({ pids: { max: 1000, running: 990 } })).pid, true);
});

test('conditions carry Kubernetes reasons, and transition times move only on a change', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const c0 = computeConditions([], { memory: false, disk: false, pid: false }, { ready: true }, t0);
  assert.deepEqual(c0.map((c) => [c.type, c.status, c.reason]), [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
    ['Ready', 'True', 'KubeletReady'],
  ]);
  assert.equal(c0[3].message, 'kubelet is posting ready status');
  const c1 = computeConditions(c0, { memory: true, disk: false, pid: false }, { ready: true }, t0 + 10_000);
  assert.equal(c1[0].status, 'True');
  assert.equal(c1[0].reason, 'KubeletHasInsufficientMemory');
  assert.equal(c1[0].lastTransitionTime, '2026-01-01T00:00:10Z');
  assert.equal(c1[3].lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(c1[3].lastHeartbeatTime, '2026-01-01T00:00:10Z');
  const c2 = computeConditions(c1, { memory: false, disk: false, pid: false }, { ready: false, message: 'container runtime is down' }, t0 + 20_000);
  assert.deepEqual([c2[3].status, c2[3].reason, c2[3].message], ['False', 'KubeletNotReady', 'container runtime is down']);
});

test('a status differing only in heartbeats is not a change', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const a = computeNodeStatus(inputs(host()), [], t0);
  const b = computeNodeStatus(inputs(host({ memory: { totalBytes: 8 * GiB, availableBytes: 5 * GiB } })), a.conditions, t0 + 10_000);
  assert.equal(statusChanged(a, b), false);
  assert.equal(statusChanged(undefined, b), true);
  const c = computeNodeStatus(inputs(host(), { images: [{ names: ['busybox:latest'], sizeBytes: 10 }] }), a.conditions, t0 + 20_000);
  assert.equal(statusChanged(b, c), true);
  assert.deepEqual(a.addresses, [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }]);
  assert.equal(a.daemonEndpoints.kubeletEndpoint.Port, 10250);
  assert.equal(a.nodeInfo.osImage, 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(a.nodeInfo.operatingSystem, 'linux');
});

test('images: digests and tags as names, largest first, at most 50', () => {
  const many = Array.from({ length: 60 }, (_, i) => ({ repoTags: [`img${i}:latest`], repoDigests: [`img${i}@sha256:${i}`], size: i }));
  const out = nodeImages([...many, { repoTags: [], repoDigests: [], size: 1000 }]);
  assert.equal(out.length, 50);
  assert.deepEqual(out[0], { names: ['img59@sha256:59', 'img59:latest'], sizeBytes: 59 });
});
