// The real kubectl 1.33 through the node proxy: a real k8ts server holds the objects;
// a thin front (standing in for the API server's wiring, until it exists) sends the
// node-proxy paths to handleNodeProxy and everything else to the server; the node is a
// real streaming server over the fake runtime.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TestServer, freePort, kubectlPath } from '../../../test/e2e/harness.js';
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

const versions = ['1.27', '1.33'].filter((v) => existsSync(kubectlPath(v)));

function kubectl(version: string, kubeconfig: string, args: string[], cacheDir: string, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(kubectlPath(version), ['--kubeconfig', kubeconfig, ...args], cacheDir, input);
}

/** Runs a program without blocking the event loop (the proxy under test lives in this process). */
function run(cmd: string, args: string[], cacheDir: string, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, KUBECACHEDIR: cacheDir } });
    p.stdin.end(input);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

test('kubectl logs, exec and port-forward through handleNodeProxy (WebSocket for 1.33, SPDY for 1.27)', { skip: versions.length === 0 }, async (t) => {
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
  // The pod's port 8080, reached through a PortForwarder that dials it on loopback.
  const appConns = new Set<import('node:net').Socket>();
  const app = createNetServer((c) => {
    appConns.add(c);
    c.once('close', () => appConns.delete(c));
    c.once('data', (d: Buffer) => c.end(`echo:${d.toString()}`));
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => { for (const c of appConns) c.destroy(); app.close(() => r()); }));
  const appPort = (app.address() as AddressInfo).port;
  const portForwarder = { connect: async (ns: string, name: string, port: number) => {
    if (ns !== 'default' || name !== 'web' || port !== 8080) throw new Error(`nothing listens on ${port}`);
    return connect(appPort, '127.0.0.1');
  } };
  const node = new StreamingServer({ locator: pod.locator, runtime: pod.runtime, portForwarder, cert: nodeCert.certPem, key: nodeCert.keyPem, ca: ca.certPem, port: 0, host: '127.0.0.1', allowedCommonNames: ['kube-apiserver-kubelet-client'] });
  await node.start();
  t.after(() => node.stop());

  const client = new RestClient({ server: server.url, ca: ca.certPem, cert: admin.certPem, key: admin.keyPem });
  await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
  await client.patch('/api/v1/nodes/node-a/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: node.port } } } }, 'merge');
  await client.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'busybox' }] } });
  // kubectl port-forward wants a Running pod.
  await client.patch('/api/v1/namespaces/default/pods/web/status', { status: { phase: 'Running' } }, 'merge');
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
  // Upgraded connections leave the HTTP server's books: keep them here to close them.
  const frontSockets = new Set<import('node:net').Socket>();
  front.on('connection', (c: import('node:net').Socket) => { frontSockets.add(c); c.once('close', () => frontSockets.delete(c)); });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => { for (const c of frontSockets) c.destroy(); front.close(() => r()); }));
  const kubeconfig = join(server.dataDir, 'front.yaml');
  writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${(front.address() as AddressInfo).port}`, caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'admin', cluster: 'front', context: 'front' });
  const cache = join(server.dataDir, 'kubectl-cache');

  for (const version of versions) {
    const kc = (args: string[], input?: string) => kubectl(version, kubeconfig, args, cache, input);
    const logs = await kc(['logs', 'web']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'hello from app\nsecond line\n');
    const tail = await kc(['logs', 'web', '--tail=1', '--timestamps']);
    assert.equal(tail.stdout, '2026-01-01T00:00:02Z second line\n');

    const exec = await kc(['exec', 'web', '--', 'echo', 'hi']);
    assert.equal(exec.code, 0, `${version}: ${exec.stderr}`);
    assert.equal(exec.stdout, 'hi\n', `${version}: ${exec.stderr}`);
    const cat = await kc(['exec', '-i', 'web', '--', 'cat'], 'through stdin\n');
    assert.equal(cat.code, 0, `${version}: ${cat.stderr}`);
    assert.equal(cat.stdout, 'through stdin\n');
    const failing = await kc(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    assert.equal(failing.code, 3, `${version}: ${failing.stderr}`);
    assert.match(failing.stderr, /command terminated with exit code 3/);
    const missing = await kc(['logs', 'web', '-c', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /container nope is not valid for pod web/);

    // A terminal: `script` gives kubectl a pty, so -t sends tty=true and resize frames (the fake runtime reads stdin to its end before running, so no -i here).
    const tty = await run('script', ['-qec', `${kubectlPath(version)} --kubeconfig ${kubeconfig} exec -t web -- echo in-a-tty`, '/dev/null'], cache);
    assert.equal(tty.code, 0, `${version}: ${tty.stdout}${tty.stderr}`);
    assert.match(tty.stdout, /in-a-tty/);

    const local = await freePort();
    const pf = spawn(kubectlPath(version), ['--kubeconfig', kubeconfig, 'port-forward', 'pod/web', `${local}:8080`], { env: { ...process.env, KUBECACHEDIR: cache } });
    try {
      let pfOut = '';
      pf.stdout.on('data', (b: Buffer) => { pfOut += b.toString(); });
      pf.stderr.on('data', (b: Buffer) => { pfOut += b.toString(); });
      for (let i = 0; i < 300 && !pfOut.includes('Forwarding from'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(pfOut, /Forwarding from 127\.0\.0\.1/);
      const answer = await new Promise<string>((resolve, reject) => {
        const c = connect(local, '127.0.0.1', () => c.write('ping'));
        let got = '';
        c.on('data', (d: Buffer) => { got += d.toString(); });
        c.on('close', () => resolve(got));
        c.on('error', reject);
        c.setTimeout(20_000, () => { c.destroy(); reject(new Error(`${version}: no answer through port-forward: ${pfOut}`)); });
      });
      assert.equal(answer, 'echo:ping', `${version}: ${pfOut}`);
    } finally {
      pf.kill('SIGKILL');
    }
  }

  // logs -f follows until the container exits.
  const follow = kubectl(versions[versions.length - 1], kubeconfig, ['logs', '-f', 'web', '--tail=1'], cache);
  await new Promise((r) => setTimeout(r, 1000));
  await appendFile(pod.logPath, '2026-01-01T00:00:03Z stdout F third line\n');
  await new Promise((r) => setTimeout(r, 1000));
  pod.runtime.exitContainer(pod.containerId, 0);
  const followed = await follow;
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal(followed.stdout, 'second line\nthird line\n');
});
