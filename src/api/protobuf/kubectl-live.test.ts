// Against the real kubectl binaries (1.32 and 1.33 send protobuf bodies; 1.31 still JSON): a stand-in API
// server on loopback records what each version sends and answers in protobuf too, so
// both directions are checked by Go's own codec. Skipped where kubectl is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf, isProtobufContentType } from './index.js';

const bin = (v: string): string => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
const versions = ['1.32', '1.33'].filter((v) => existsSync(bin(v)));

interface Recorded { path: string; contentType: string; body: Buffer }

async function runKubectl(kubectl: string, args: string[], reply: (r: Recorded) => { type: string; body: Uint8Array | string }): Promise<{ code: number; stdout: string; writes: Recorded[] }> {
  const writes: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}');
        return;
      }
      const r = { path: new URL(req.url ?? '/', 'http://x').pathname, contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) };
      writes.push(r);
      const out = reply(r);
      res.writeHead(201, { 'content-type': out.type });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const home = mkdtempSync(join(tmpdir(), 'k8ts-protobuf-kubectl-'));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve) => {
      execFile(kubectl, ['--server', `http://127.0.0.1:${port}`, ...args], { env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') }, timeout: 30000 },
        (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, writes }));
    });
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const echoJson = (r: Recorded): { type: string; body: string } => ({ type: 'application/json', body: JSON.stringify(decodeKubernetesProtobuf(r.body).object) });

for (const v of versions) {
  test(`kubectl ${v}: create deployment body decodes to the object kubectl prints`, async () => {
    const args = ['create', 'deployment', 'web', '--image=nginx', '--image=busybox', '--replicas=0', '--port=8080', '-n', 'team'];
    const r = await runKubectl(bin(v), [...args, '-o', 'json'], echoJson);
    assert.equal(r.code, 0);
    assert.equal(r.writes.length, 1);
    assert.ok(isProtobufContentType(r.writes[0].contentType), r.writes[0].contentType);
    assert.equal(r.writes[0].path, '/apis/apps/v1/namespaces/team/deployments');
    const sent = decodeKubernetesProtobuf(r.writes[0].body).object;
    const dry = await runKubectl(bin(v), [...args, '--dry-run=client', '-o', 'json'], echoJson);
    assert.equal(JSON.stringify(sent), JSON.stringify(JSON.parse(dry.stdout)));
    // kubectl printed our JSON echo of its own object: nothing lost on the way back.
    assert.deepEqual(JSON.parse(r.stdout), sent);
  });

  test(`kubectl ${v}: auth whoami reads a protobuf answer made by the encoder`, async () => {
    const r = await runKubectl(bin(v), ['auth', 'whoami', '-o', 'json'], (req) => {
      const asked = decodeKubernetesProtobuf(req.body).object;
      const status = { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a', 'b'] } } };
      return { type: 'application/vnd.kubernetes.protobuf', body: encodeKubernetesProtobuf({ ...asked, status }) };
    });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.writes[0].path, '/apis/authentication.k8s.io/v1/selfsubjectreviews');
    assert.deepEqual(JSON.parse(r.stdout).status, { userInfo: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a', 'b'] } } });
  });
}

test('at least one kubectl that sends protobuf is installed', { skip: versions.length > 0 ? false : 'no kubectl 1.32+ under /usr/lib/google-cloud-sdk/bin' }, () => {
  assert.ok(versions.length > 0);
});
