// The real kubectl 1.33 through the node proxy: a real k8ts server holds the objects;
// a thin front (standing in for the API server's wiring, until it exists) sends the
// node-proxy paths to handleNodeProxy and everything else to the server; the node is a
// real streaming server over the fake runtime.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TestServer, kubectlPath } from '../../../test/e2e/harness.js';
import { RestClient } from '../../client/rest-client.js';
import { writeKubeconfig } from '../../client/kubeconfig.js';
import { StreamingServer } from '../../kubelet/server/streaming-server.js';
import { makePod } from '../../kubelet/server/testing/fixtures.js';
import { issueCertificate } from '../pki.js';
import { ApiError, errors } from '../errors.js';
import { sendError } from '../http/negotiate.js';
import { handleNodeProxy } from './handler.js';
import { parseNodeProxyPath } from './target.js';
import type { NodeLike } from './dialer.js';
import type { PodLike } from './target.js';

const version = '1.33';

function kubectl(kubeconfig: string, args: string[], cacheDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(kubectlPath(version), ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, KUBECACHEDIR: cacheDir } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

test('kubectl 1.33 logs and exec through handleNodeProxy', { skip: !existsSync(kubectlPath(version)) }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const tls = join(server.dataDir, 'tls');
  const ca = { certPem: await readFile(join(tls, 'ca.crt'), 'utf8'), keyPem: await readFile(join(tls, 'ca.key'), 'utf8') };
  const admin = { certPem: await readFile(join(tls, 'admin.crt'), 'utf8'), keyPem: await readFile(join(tls, 'admin.key'), 'utf8') };
  const nodeCert = await issueCertificate(ca, { commonName: 'system:node:node-a', organizations: ['system:nodes'], dnsNames: ['node-a', 'localhost'], ips: ['127.0.0.1'], usage: 'server' });
  const kubeletClient = await issueCertificate(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  const frontCert = await issueCertificate(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ips: ['127.0.0.1'], usage: 'server' });

  const pod = await makePod();
  t.after(() => pod.cleanup());
  const node = new StreamingServer({ locator: pod.locator, runtime: pod.runtime, cert: nodeCert.certPem, key: nodeCert.keyPem, ca: ca.certPem, port: 0, host: '127.0.0.1', allowedCommonNames: ['kube-apiserver-kubelet-client'] });
  await node.start();
  t.after(() => node.stop());

  const client = new RestClient({ server: server.url, ca: ca.certPem, cert: admin.certPem, key: admin.keyPem });
  await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
  await client.patch('/api/v1/nodes/node-a/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: node.port } } } }, 'merge');
  await client.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'busybox' }] } });
  await writeFile(pod.logPath, '2026-01-01T00:00:01Z stdout F hello from app\n2026-01-01T00:00:02Z stderr F second line\n');

  const proxyOpts = {
    getPod: async (ns: string, name: string) => client.get(`/api/v1/namespaces/${ns}/pods/${name}`).then((o) => o as unknown as PodLike, () => undefined),
    getNode: async (name: string) => client.get(`/api/v1/nodes/${name}`).then((o) => o as unknown as NodeLike, () => undefined),
    ca: ca.certPem, clientCert: kubeletClient.certPem, clientKey: kubeletClient.keyPem,
  };
  const forward = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const out = request(`${server.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: `127.0.0.1:${server.port}` }, ca: ca.certPem, cert: admin.certPem, key: admin.keyPem }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const front = createServer({ cert: frontCert.certPem, key: frontCert.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    if (!parseNodeProxyPath(path)) return forward(req, res);
    handleNodeProxy(proxyOpts, req, res).catch((err: unknown) => sendError(res, err instanceof ApiError ? err : errors.internal(String(err))));
  });
  front.on('upgrade', (req, socket, head) => void handleNodeProxy(proxyOpts, req, socket, head));
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => { front.closeAllConnections(); front.close(() => r()); }));
  const kubeconfig = join(server.dataDir, 'front.yaml');
  writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${(front.address() as AddressInfo).port}`, caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'admin', cluster: 'front', context: 'front' });
  const cache = join(server.dataDir, 'kubectl-cache');

  const logs = await kubectl(kubeconfig, ['logs', 'web'], cache);
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, 'hello from app\nsecond line\n');
  const tail = await kubectl(kubeconfig, ['logs', 'web', '--tail=1', '--timestamps'], cache);
  assert.equal(tail.stdout, '2026-01-01T00:00:02Z second line\n');

  const exec = await kubectl(kubeconfig, ['exec', 'web', '--', 'echo', 'hi'], cache);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stdout, 'hi\n');
  const failing = await kubectl(kubeconfig, ['exec', 'web', '--', 'sh', '-c', 'exit 3'], cache);
  assert.equal(failing.code, 3, failing.stderr);
  assert.match(failing.stderr, /command terminated with exit code 3/);
  const missing = await kubectl(kubeconfig, ['logs', 'web', '-c', 'nope'], cache);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /container nope is not valid for pod web/);
});
