import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { StreamingServer } from './streaming-server.js';
import { makePki, makePod, runSession, type Pki, type Pod } from './testing/fixtures.js';

async function setup(t: { after: (fn: () => Promise<void> | void) => void }, allowedCommonNames?: string[]): Promise<{ pki: Pki; pod: Pod; server: StreamingServer; base: string }> {
  const pki = await makePki();
  const pod = await makePod();
  t.after(() => pod.cleanup());
  const server = new StreamingServer({ locator: pod.locator, runtime: pod.runtime, cert: pki.node.certPem, key: pki.node.keyPem, ca: pki.ca.certPem, port: 0, host: '127.0.0.1', allowedCommonNames });
  await server.start();
  t.after(() => server.stop());
  return { pki, pod, server, base: `127.0.0.1:${server.port}` };
}

function get(url: string, tls: { ca: string; cert?: string; key?: string }, onData?: (s: string) => void): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); onData?.(body); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('exec echo hi over v5.channel.k8s.io, and exit codes as Status', async (t) => {
  const { pki, base } = await setup(t);
  const tls = { ca: pki.ca.certPem, cert: pki.apiClient.certPem, key: pki.apiClient.keyPem };
  const s = await runSession(`wss://${base}/exec/default/web/app?command=echo&command=hi&output=1&error=1`, tls, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  assert.equal(s.protocol, 'v5.channel.k8s.io');
  assert.equal(s.stdout, 'hi\n');
  assert.deepEqual(s.status, { metadata: {}, status: 'Success' });
  assert.equal(s.closeCode, 1000);

  const f = await runSession(`wss://${base}/exec/default/web/app?command=sh&command=-c&command=exit%203&stdout=true&stderr=true`, tls, ['v4.channel.k8s.io']);
  assert.equal(f.protocol, 'v4.channel.k8s.io');
  assert.equal(f.status?.reason, 'NonZeroExitCode');
  assert.deepEqual(f.status?.details, { causes: [{ reason: 'ExitCode', message: '3' }] });

  const nf = await runSession(`wss://${base}/exec/default/web/app?command=nope&output=1&error=1`, tls, ['v5.channel.k8s.io']);
  assert.match(nf.stderr, /not found/);
  assert.deepEqual((nf.status?.details as { causes: unknown[] }).causes, [{ reason: 'ExitCode', message: '127' }]);
});

test('exec with stdin: v5 closes stdin with channel 255', async (t) => {
  const { pki, base } = await setup(t);
  const tls = { ca: pki.ca.certPem, cert: pki.apiClient.certPem, key: pki.apiClient.keyPem };
  const s = await runSession(`wss://${base}/exec/default/web/app?command=cat&input=1&output=1&error=1`, tls, ['v5.channel.k8s.io'], 'from stdin\n');
  assert.equal(s.stdout, 'from stdin\n');
  assert.equal(s.status?.status, 'Success');
});

test('refusals: no certificate, wrong CN, unknown container, no command, old stream protocols', async (t) => {
  const { pki, base } = await setup(t, ['kube-apiserver-kubelet-client']);
  const tls = { ca: pki.ca.certPem, cert: pki.apiClient.certPem, key: pki.apiClient.keyPem };
  assert.equal((await get(`https://${base}/healthz`, { ca: pki.ca.certPem })).status, 401);
  assert.equal((await get(`https://${base}/healthz`, { ca: pki.ca.certPem, cert: pki.other.certPem, key: pki.other.keyPem })).status, 403);
  assert.deepEqual(await get(`https://${base}/healthz`, tls), { status: 200, body: 'ok' });
  await assert.rejects(runSession(`wss://${base}/exec/default/web/nope?command=echo&output=1`, tls, ['v5.channel.k8s.io']), /HTTP 404: container "nope" in pod "web" is not available/);
  await assert.rejects(runSession(`wss://${base}/exec/default/web/app?output=1`, tls, ['v5.channel.k8s.io']), /HTTP 400: you must specify at least one command/);
  await assert.rejects(runSession(`wss://${base}/exec/default/web/app?command=echo&output=1`, tls, ['channel.k8s.io']), /HTTP 400: none of the offered subprotocols/);
  const spdy = await new Promise<number>((resolve, reject) => {
    const req = request(`https://${base}/exec/default/web/app?command=echo&output=1`, { ...tls, method: 'POST', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v2.channel.k8s.io' } });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('error', reject);
    req.end();
  });
  assert.equal(spdy, 403);
});

test('containerLogs: options, previous, and follow until the container exits', async (t) => {
  const { pki, pod, base } = await setup(t);
  const tls = { ca: pki.ca.certPem, cert: pki.apiClient.certPem, key: pki.apiClient.keyPem };
  await writeFile(pod.logPath, '2026-01-01T00:00:01.5Z stdout F one\n2026-01-01T00:00:02Z stderr F two\n2026-01-01T00:00:03Z stdout F three\n');
  assert.deepEqual(await get(`https://${base}/containerLogs/default/web/app`, tls), { status: 200, body: 'one\ntwo\nthree\n' });
  assert.equal((await get(`https://${base}/containerLogs/default/web/app?tailLines=1&timestamps=true`, tls)).body, '2026-01-01T00:00:03Z three\n');
  assert.equal((await get(`https://${base}/containerLogs/default/web/app?limitBytes=5`, tls)).body, 'one\nt');
  assert.equal((await get(`https://${base}/containerLogs/default/web/app?tailLines=-1`, tls)).status, 400);
  assert.deepEqual(await get(`https://${base}/containerLogs/default/web/app?previous=true`, tls), { status: 200, body: '' });
  assert.equal((await get(`https://${base}/containerLogs/default/web/other`, tls)).status, 404);
  assert.deepEqual(await get(`https://${base}/containerLogs/default/web/waiting`, tls), { status: 400, body: 'container "waiting" in pod "web" is waiting to start: ContainerCreating' });

  let seen = '';
  const follow = get(`https://${base}/containerLogs/default/web/app?follow=true&tailLines=1`, tls, (b) => { seen = b; });
  for (let i = 0; i < 500 && !seen.includes('three'); i++) await new Promise((r) => setTimeout(r, 20));
  await appendFile(pod.logPath, '2026-01-01T00:00:04Z stdout F four\n');
  for (let i = 0; i < 500 && !seen.includes('four'); i++) await new Promise((r) => setTimeout(r, 20));
  pod.runtime.exitContainer(pod.containerId, 0);
  assert.deepEqual(await follow, { status: 200, body: 'three\nfour\n' });
});

test('attach streams the container output from now on and ends in Success when the container exits', async (t) => {
  const { pki, pod, base } = await setup(t);
  const tls = { ca: pki.ca.certPem, cert: pki.apiClient.certPem, key: pki.apiClient.keyPem };
  pod.runtime.writeLog(pod.containerId, 'stdout', 'before attach');
  let opened!: () => void;
  const open = new Promise<void>((r) => { opened = r; });
  const session = runSession(`wss://${base}/attach/default/web/app?output=1&error=1`, tls, ['v5.channel.k8s.io'], undefined, () => opened());
  // The server attaches right after the handshake; give it a moment past the client's open.
  await open;
  await new Promise((r) => setTimeout(r, 300));
  pod.runtime.writeLog(pod.containerId, 'stdout', 'after attach');
  pod.runtime.writeLog(pod.containerId, 'stderr', 'to stderr');
  await new Promise((r) => setTimeout(r, 100));
  pod.runtime.exitContainer(pod.containerId, 2);
  const s = await session;
  assert.equal(s.stdout, 'after attach\n');
  assert.equal(s.stderr, 'to stderr\n');
  // As the kubelet's: an attach ends in Success however the container exited (its exit
  // code is in the pod's status), so `kubectl run -i` does not take it for a failed attach.
  assert.equal(s.status?.status, 'Success');
});

test('port-forward over WebSocket v4.channel.k8s.io: port frames first, then the bytes', async (t) => {
  const pki = await makePki();
  const pod = await makePod();
  t.after(() => pod.cleanup());
  const app = createNetServer((c) => c.on('data', (d: Buffer) => c.end(`echo:${d.toString()}`)));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => app.close(() => r())));
  const appPort = (app.address() as AddressInfo).port;
  const server = new StreamingServer({
    locator: pod.locator, runtime: pod.runtime, cert: pki.node.certPem, key: pki.node.keyPem, ca: pki.ca.certPem, port: 0, host: '127.0.0.1',
    portForwarder: { connect: async (_ns, _pod, port) => { if (port !== 8080) throw new Error('connection refused'); return connect(appPort, '127.0.0.1'); } },
  });
  await server.start();
  t.after(() => server.stop());
  const frames: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/portForward/default/web?port=8080&port=9`, ['v4.channel.k8s.io'], { ca: pki.ca.certPem, cert: pki.apiClient.certPem, key: pki.apiClient.keyPem });
    ws.on('message', (d: Buffer) => {
      frames.push(d);
      if (frames.length === 4) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping')]));
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  const on = (ch: number) => frames.filter((f) => f[0] === ch).map((f) => f.subarray(1));
  assert.deepEqual(on(0)[0], Buffer.from([0x90, 0x1f]));
  assert.deepEqual(on(1)[0], Buffer.from([0x90, 0x1f]));
  assert.deepEqual(on(2)[0], Buffer.from([9, 0]));
  assert.match(Buffer.concat(on(3).slice(1)).toString(), /error forwarding port 9: connection refused/);
  assert.equal(Buffer.concat(on(0).slice(1)).toString(), 'echo:ping');
});
