import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { StreamingServer } from '../../kubelet/server/streaming-server.js';
import { makePki, makePod, runSession } from '../../kubelet/server/testing/fixtures.js';
import { sendError } from '../http/negotiate.js';
import { ApiError, errors } from '../errors.js';
import { handleNodeProxy, type NodeProxyOptions } from './handler.js';
import type { NodeLike } from './dialer.js';
import type { PodLike } from './target.js';

async function setup(t: { after: (fn: () => Promise<void> | void) => void }) {
  const pki = await makePki();
  const pod = await makePod();
  t.after(() => pod.cleanup());
  const node = new StreamingServer({ locator: pod.locator, runtime: pod.runtime, cert: pki.node.certPem, key: pki.node.keyPem, ca: pki.ca.certPem, port: 0, host: '127.0.0.1', allowedCommonNames: ['kube-apiserver-kubelet-client'] });
  await node.start();
  t.after(() => node.stop());
  const nodes: Record<string, NodeLike> = {
    'node-a': { metadata: { name: 'node-a' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: node.port } } } },
    'node-down': { metadata: { name: 'node-down' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 1 } } } },
  };
  const pods: Record<string, PodLike> = {
    web: { metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'node-a', containers: [{ name: 'app' }] } },
    two: { metadata: { name: 'two', namespace: 'default' }, spec: { nodeName: 'node-a', containers: [{ name: 'a' }, { name: 'b' }] } },
    away: { metadata: { name: 'away', namespace: 'default' }, spec: { nodeName: 'node-down', containers: [{ name: 'app' }] } },
    pending: { metadata: { name: 'pending', namespace: 'default' }, spec: { containers: [{ name: 'app' }] } },
  };
  const opts: NodeProxyOptions = {
    getPod: async (ns, name) => (ns === 'default' ? pods[name] : undefined),
    getNode: async (name) => nodes[name],
    ca: pki.ca.certPem, clientCert: pki.apiClient.certPem, clientKey: pki.apiClient.keyPem,
  };
  // A stand-in for the API server: everything goes to the proxy, errors become Status.
  const api = createServer({ cert: pki.node.certPem, key: pki.node.keyPem }, (req, res) => {
    handleNodeProxy(opts, req, res).catch((err: unknown) => sendError(res, err instanceof ApiError ? err : errors.internal(String(err))));
  });
  api.on('upgrade', (req, socket, head) => void handleNodeProxy(opts, req, socket, head));
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => { api.closeAllConnections(); api.close(() => r()); }));
  const connections = () => new Promise<number>((r) => api.getConnections((_e, n) => r(n)));
  return { pki, pod, base: `127.0.0.1:${(api.address() as AddressInfo).port}`, connections };
}

function get(url: string, ca: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject).end();
  });
}

test('pods/exec through the proxy: a WebSocket tunnel to the node', async (t) => {
  const { pki, base, connections } = await setup(t);
  const tls = { ca: pki.ca.certPem, cert: pki.other.certPem, key: pki.other.keyPem };
  const s = await runSession(`wss://${base}/api/v1/namespaces/default/pods/web/exec?command=echo&command=hi&stdout=true&stderr=true`, tls, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  assert.equal(s.protocol, 'v5.channel.k8s.io');
  assert.equal(s.stdout, 'hi\n');
  assert.deepEqual(s.status, { metadata: {}, status: 'Success' });
  const c = await runSession(`wss://${base}/api/v1/namespaces/default/pods/web/exec?container=app&command=cat&stdin=true&stdout=true`, tls, ['v5.channel.k8s.io'], 'piped\n');
  assert.equal(c.stdout, 'piped\n');
  // Finished tunnels leave no connection behind on the API server.
  for (let i = 0; i < 100 && (await connections()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await connections(), 0);
});

test('upgrade failures come back as Status objects', async (t) => {
  const { pki, base } = await setup(t);
  const tls = { ca: pki.ca.certPem };
  await assert.rejects(runSession(`wss://${base}/api/v1/namespaces/default/pods/nope/exec?command=echo&stdout=true`, tls, ['v5.channel.k8s.io']), /HTTP 404: .*pods \\"nope\\" not found/);
  await assert.rejects(runSession(`wss://${base}/api/v1/namespaces/default/pods/two/exec?command=echo&stdout=true`, tls, ['v5.channel.k8s.io']), /HTTP 400: .*choose one of: \[a b\]/);
  await assert.rejects(runSession(`wss://${base}/api/v1/namespaces/default/pods/away/exec?command=echo&stdout=true`, tls, ['v5.channel.k8s.io']), /HTTP 500: .*error dialing backend/);
  await assert.rejects(runSession(`wss://${base}/api/v1/namespaces/default/pods/web/exec?command=echo&stdout=true`, tls, ['v3.channel.k8s.io']), /HTTP 400: .*none of the offered subprotocols/);
});

test('pods/log through the proxy, and node errors as Status', async (t) => {
  const { pki, pod, base } = await setup(t);
  await writeFile(pod.logPath, '2026-01-01T00:00:01Z stdout F one\n2026-01-01T00:00:02Z stdout F two\n');
  const r = await get(`https://${base}/api/v1/namespaces/default/pods/web/log?tailLines=1`, pki.ca.certPem);
  assert.deepEqual([r.status, r.body, r.type], [200, 'two\n', 'text/plain']);
  const amb = await get(`https://${base}/api/v1/namespaces/default/pods/two/log`, pki.ca.certPem);
  assert.equal(amb.status, 400);
  assert.equal((JSON.parse(amb.body) as { message: string }).message, 'a container name must be specified for pod two, choose one of: [a b]');
  const bad = await get(`https://${base}/api/v1/namespaces/default/pods/web/log?tailLines=x`, pki.ca.certPem);
  assert.equal(bad.status, 400);
  assert.equal((JSON.parse(bad.body) as { reason: string }).reason, 'BadRequest');
  assert.deepEqual((({ status, body }) => ({ status, body }))(await get(`https://${base}/api/v1/namespaces/default/pods/pending/log`, pki.ca.certPem)), { status: 200, body: '' });
  const node = await get(`https://${base}/api/v1/nodes/node-a/proxy/healthz`, pki.ca.certPem);
  assert.deepEqual([node.status, node.body], [200, 'ok']);
});

test('pods/exec over SPDY through the proxy; the tunnel closes after the session', async (t) => {
  const { HeaderCodec, FrameType, controlFrame, parseFrames } = await import('../../kubelet/server/spdy/frames.js');
  const { pki, base, connections } = await setup(t);
  const socket = await new Promise<import('node:stream').Duplex>((resolve, reject) => {
    const req = request(`https://${base}/api/v1/namespaces/default/pods/web/exec?command=echo&command=old&stdout=true`, {
      ca: pki.ca.certPem, method: 'POST', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' },
    });
    req.on('upgrade', (_res, s) => resolve(s));
    req.on('response', (res) => reject(new Error(`HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
  const codec = new HeaderCodec();
  t.after(() => codec.close());
  for (const [id, type] of [[1, 'error'], [3, 'stdout']] as const) {
    const head = Buffer.alloc(10);
    head.writeUInt32BE(id, 0);
    socket.write(controlFrame(FrameType.SynStream, 0, Buffer.concat([head, await codec.encode({ streamtype: type })])));
  }
  let buf = Buffer.alloc(0);
  let out = '';
  await new Promise<void>((resolve) => {
    socket.on('data', (c: Buffer) => {
      const r = parseFrames(Buffer.concat([buf, c]));
      buf = Buffer.from(r.rest);
      for (const f of r.frames) if (!f.control && f.streamId === 3) out += f.payload.toString();
    });
    // The node ends the connection after the status; the client answers with its own end.
    socket.on('end', () => { socket.end(); resolve(); });
  });
  assert.equal(out, 'old\n');
  for (let i = 0; i < 100 && (await connections()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await connections(), 0);
});
