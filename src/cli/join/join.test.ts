// Joining end to end over real HTTPS: the server's join endpoint in front of a stand-in
// API handler, and the agent's client and credential store against it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate, type KeyPairPem } from '../../apiserver/pki.js';
import { readKubeconfig } from '../../client/kubeconfig.js';
import { silentLogger } from '../../client/log.js';
import { JoinError } from './client.js';
import { credentialsProblem, ensureNodeCredentials, joinCluster, loadNodeCredentials, NoCredentialsError, nodeKubeconfigPath } from './credentials.js';
import { joinEndpoint } from './endpoint.js';
import { formatJoinToken } from './token.js';

interface Cluster {
  url: string;
  token: string;
  ca: KeyPairPem;
  /** Requests that went on to the API handler, with their Authorization header. */
  passedOn: string[];
  close(): Promise<void>;
}

async function startCluster(): Promise<Cluster> {
  const ca = await createCa('join-test-ca');
  const serving = await issueCertificate(ca, { commonName: 'kube-apiserver', ips: ['127.0.0.1'], usage: 'server' });
  const token = formatJoinToken(ca.certPem, 'the-secret-of-this-cluster');
  const endpoint = joinEndpoint({ ca, token, log: silentLogger });
  const passedOn: string[] = [];
  const server: Server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    if (endpoint(req, res)) return;
    passedOn.push(`${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(401).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `https://127.0.0.1:${port}`, token, ca, passedOn, close: () => new Promise((r) => server.close(() => r())) };
}

function tempDir(t: { after(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-join-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('an agent joins with the token and gets node certificates from the cluster CA', async (t) => {
  const c = await startCluster();
  t.after(() => c.close());
  const creds = await joinCluster({ server: c.url, token: c.token, nodeName: 'worker-a', addresses: ['127.0.0.1'] });
  assert.equal(creds.caPem, c.ca.certPem);
  assert.equal(credentialsProblem(creds, 'worker-a', ['127.0.0.1']), undefined);
  assert.match(new X509Certificate(creds.client.certPem).subject, /CN=system:node:worker-a/);
  assert.deepEqual(c.passedOn, [], 'the join paths never reach the API handler');
});

test('a wrong secret is refused with 401 and a clear error', async (t) => {
  const c = await startCluster();
  t.after(() => c.close());
  const wrong = formatJoinToken(c.ca.certPem, 'not-the-secret-of-this-cluster');
  await assert.rejects(joinCluster({ server: c.url, token: wrong, nodeName: 'worker-b', addresses: ['127.0.0.1'] }),
    (e: unknown) => e instanceof JoinError && /refused the join token \(401 Unauthorized/.test(e.message));
});

test('a token naming another CA is refused before the secret is sent', async (t) => {
  const c = await startCluster();
  t.after(() => c.close());
  const other = await createCa('another-ca');
  const token = formatJoinToken(other.certPem, 'the-secret-of-this-cluster');
  await assert.rejects(joinCluster({ server: c.url, token, nodeName: 'worker-c', addresses: ['127.0.0.1'] }),
    (e: unknown) => e instanceof JoinError && /is not the one the join token names/.test(e.message));
});

test('an unreachable server or a non-https URL is a JoinError', async () => {
  const token = formatJoinToken('ca', 'the-secret-of-this-cluster');
  await assert.rejects(joinCluster({ server: 'https://127.0.0.1:1', token, nodeName: 'n', addresses: ['127.0.0.1'] }), /cannot reach the server at https:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
  await assert.rejects(joinCluster({ server: 'http://127.0.0.1:1', token, nodeName: 'n', addresses: ['127.0.0.1'] }), /speaks https/);
});

test('the join token authenticates nothing but joining', async (t) => {
  const c = await startCluster();
  t.after(() => c.close());
  const res = await fetchWithCa(c, '/api/v1/nodes', c.token);
  assert.equal(res, 401);
  assert.deepEqual(c.passedOn, [`/api/v1/nodes Bearer ${c.token}`], 'other paths go to the API server, which knows no join token');
  assert.equal(await fetchWithCa(c, '/v1-k8ts/join', c.token, 'GET'), 405);
});

async function fetchWithCa(c: Cluster, path: string, token: string, method = 'GET'): Promise<number> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(`${c.url}${path}`, { method, ca: c.ca.certPem, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('credentials are stored with a kubeconfig and reused on restart without the token', async (t) => {
  const c = await startCluster();
  t.after(() => c.close());
  const dataDir = tempDir(t);
  const log = { info: () => {} };
  const first = await ensureNodeCredentials({ dataDir, server: c.url, token: c.token, nodeName: 'worker-d', addresses: ['127.0.0.1'], log });
  assert.equal(statSync(join(dataDir, 'agent/tls/client-kubelet.key')).mode & 0o777, 0o600);
  const kc = readKubeconfig(nodeKubeconfigPath(dataDir));
  assert.equal(kc.server, c.url);
  assert.equal(kc.cert, first.client.certPem);
  assert.equal(kc.user, 'system:node:worker-d');
  const again = await ensureNodeCredentials({ dataDir, server: c.url, nodeName: 'worker-d', addresses: ['127.0.0.1'], log });
  assert.deepEqual(again, first, 'the stored credentials, not new ones');
  // Another name, or a new address the serving certificate lacks, needs joining again.
  await assert.rejects(ensureNodeCredentials({ dataDir, server: c.url, nodeName: 'worker-e', addresses: ['127.0.0.1'], log }), NoCredentialsError);
  const moved = await ensureNodeCredentials({ dataDir, server: c.url, token: c.token, nodeName: 'worker-d', addresses: ['127.0.0.2'], log });
  assert.notEqual(moved.serving.certPem, first.serving.certPem);
  assert.equal((await loadNodeCredentials(dataDir))?.serving.certPem, moved.serving.certPem);
});

test('credentialsProblem names what does not fit', async () => {
  const c = await startCluster();
  try {
    const creds = await joinCluster({ server: c.url, token: c.token, nodeName: 'worker-f', addresses: ['127.0.0.1'] });
    assert.match(credentialsProblem(creds, 'worker-g', ['127.0.0.1']) ?? '', /not system:node:worker-g/);
    assert.match(credentialsProblem(creds, 'worker-f', ['10.9.9.9']) ?? '', /does not name 10\.9\.9\.9/);
    assert.match(credentialsProblem(creds, 'worker-f', ['127.0.0.1'], Date.now() + 365 * 86_400_000) ?? '', /expires/);
    const other = await createCa('other');
    assert.match(credentialsProblem({ ...creds, caPem: other.certPem }, 'worker-f', ['127.0.0.1']) ?? '', /not signed by the stored CA/);
    assert.match(credentialsProblem({ ...creds, client: { ...creds.client, keyPem: creds.serving.keyPem } }, 'worker-f', ['127.0.0.1']) ?? '', /key does not match/);
  } finally {
    await c.close();
  }
});
