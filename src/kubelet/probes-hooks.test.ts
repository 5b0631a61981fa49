// HTTP and TCP probes against a real local server (the "pod IP" is loopback here),
// startup probes holding back liveness, hostNetwork pods skipping the pod network, and
// postStart / preStop hooks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { until } from '../client/testing/wait.js';
import { FakeNode } from './testing/fake-node.js';
import { NoNetwork } from './testing/trivial.js';
import type { PodNetwork } from './interfaces.js';

const loopback: PodNetwork = { setUp: async () => ({ ip: '127.0.0.1', ips: ['127.0.0.1'] }), tearDown: async () => {} };

async function httpServer(t: { after(fn: () => Promise<void>): void }, handler: http.RequestListener): Promise<number> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }));
  return (s.address() as AddressInfo).port;
}

test('httpGet readiness against the pod IP: 200 is ready, 500 is not; named ports resolve', async (t) => {
  let code = 500;
  const paths: string[] = [];
  const port = await httpServer(t, (req, res) => { paths.push(req.url ?? ''); res.writeHead(code).end('x'); });
  const n = new FakeNode({ network: loopback });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', ports: [{ name: 'web', containerPort: port }], readinessProbe: { httpGet: { path: '/healthz', port: 'web' }, periodSeconds: 0.05, failureThreshold: 1 } }] } });
  await until(() => n.events().some((e) => e.reason === 'Unhealthy' && e.message === 'Readiness probe failed: HTTP probe failed with statuscode: 500'), 'failed readiness');
  assert.equal(n.status().containerStatuses![0].ready, false);
  code = 200;
  await n.waitFor('ready', (s) => s.containerStatuses?.[0]?.ready === true && s.conditions!.some((c) => c.type === 'Ready' && c.status === 'True'));
  assert.ok(paths.every((p) => p === '/healthz'));
});

test('a startup probe holds back liveness and readiness until it succeeds', async (t) => {
  let started = false;
  const seen: string[] = [];
  const n = new FakeNode({
    exec: (_id, cmd) => {
      seen.push(cmd[0]);
      const ok = cmd[0] === 'startup' ? started : true;
      return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: ok ? 0 : 1 };
    },
  });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1',
    startupProbe: { exec: { command: ['startup'] }, periodSeconds: 0.05, failureThreshold: 1000 },
    livenessProbe: { exec: { command: ['live'] }, periodSeconds: 0.05 },
    readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 0.05 } }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  await until(() => seen.filter((c) => c === 'startup').length >= 3, 'startup probed');
  assert.ok(!seen.includes('live') && !seen.includes('ready'));
  const s = n.status().containerStatuses![0];
  assert.equal(s.started, false);
  assert.equal(s.ready, false);
  started = true;
  await n.waitFor('started and ready', (s) => s.containerStatuses?.[0]?.started === true && s.containerStatuses[0].ready);
  assert.ok(seen.includes('live'));
});

test('hostNetwork pods skip the pod network and take the node IP; tcpSocket probes connect', async (t) => {
  const port = await httpServer(t, (_req, res) => res.end());
  const net = new NoNetwork();
  const n = new FakeNode({ network: net, kubelet: { hostIPs: ['127.0.0.1'] } });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1', readinessProbe: { tcpSocket: { port }, periodSeconds: 0.05 } }] } });
  const s = await n.waitFor('ready', (s) => s.containerStatuses?.[0]?.ready === true);
  assert.equal(s.podIP, '127.0.0.1');
  assert.deepEqual(net.setUps, []);
});

test('postStart runs after start; preStop runs before the stop signal on deletion', async (t) => {
  const order: string[] = [];
  const n = new FakeNode({ exec: (_id, cmd) => { order.push(cmd.join(' ')); return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 }; } });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', lifecycle: { postStart: { exec: { command: ['hook', 'start'] } }, preStop: { exec: { command: ['hook', 'stop'] } } } }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  assert.deepEqual(order, ['hook start']);
  const cur = n.pod()!;
  n.api.put('pods', { ...cur, metadata: { ...cur.metadata, finalizers: ['test/hold'], deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 30 } } as unknown as Parameters<typeof n.api.put>[1]);
  await until(() => n.api.requests.some((r) => r.startsWith('DELETE /api/v1/namespaces/default/pods/p')), 'deleted');
  assert.deepEqual(order, ['hook start', 'hook stop']);
});

test('a failing postStart hook kills the container (FailedPostStartHook)', async (t) => {
  const n = new FakeNode({ exec: () => ({ stdout: Buffer.alloc(0), stderr: Buffer.from('nope'), exitCode: 1 }) });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1', lifecycle: { postStart: { exec: { command: ['hook'] } } } }] } });
  await until(() => n.events().some((e) => e.reason === 'FailedPostStartHook'), 'hook failure event');
  await n.waitFor('Failed', (s) => s.phase === 'Failed');
});
