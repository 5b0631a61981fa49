import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { NetworkError } from './errors.js';
import { RestClient } from './rest-client.js';

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl. */
function makePki(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=test-ca', '-days', '1');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, subj, ext] of [['server', '/CN=apiserver', 'server.ext'], ['client', '/O=system:masters/CN=admin', '']] as const) {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', ...(ext ? ['-extfile', ext] : []));
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.crt'), serverCert: read('server.crt'), serverKey: read('server.key'), clientCert: read('client.crt'), clientKey: read('client.key') };
}

test('HTTPS with a private CA and a client certificate, over one kept-alive connection', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pki = makePki(dir);
  let connections = 0;
  const subjects: string[] = [];
  const server = https.createServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    subjects.push(peer && peer.subject ? String(peer.subject.CN) : 'anonymous');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Namespace', metadata: { name: 'default' } }));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const c = new RestClient({ server: url, ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
  t.after(() => c.close());
  assert.equal((await c.get('/api/v1/namespaces/default')).metadata.name, 'default');
  await c.get('/api/v1/namespaces/default');
  assert.deepEqual(subjects, ['admin', 'admin']);
  assert.equal(connections, 1, 'the second request reused the connection');

  const untrusting = new RestClient({ server: url });
  t.after(() => untrusting.close());
  await assert.rejects(untrusting.get('/api/v1/namespaces/default'), (err: unknown) => err instanceof NetworkError && err.cause instanceof Error);
});
