// Talking to k8ts without kubectl: @kubernetes/client-node, raw HTTPS with bad input,
// and a crash in the middle of writes.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { TestServer } from './harness.js';

interface Raw {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTPS request with the admin's client certificate (or none). */
function raw(server: TestServer, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, anonymous = false): Promise<Raw> {
  const kc = parse(readFileSync(server.kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const user = kc.users[0].user;
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, {
      method,
      ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
      cert: anonymous ? undefined : b64(user['client-certificate-data']),
      key: anonymous ? undefined : b64(user['client-key-data']),
      headers: { 'Content-Type': 'application/json', ...headers },
    }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('API clients and bad input', () => {
  let server: TestServer;
  before(async () => { server = await TestServer.start(); });
  after(async () => { await server?.cleanup(); });

  test('@kubernetes/client-node lists, and its informer sees create, update and delete', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespace();
    assert.ok(list.items.some((n) => n.metadata?.name === 'kube-system'));

    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    // Only the test's own object: the cluster also publishes kube-root-ca.crt in every namespace.
    const mine = (o: k8s.V1ConfigMap) => o.metadata?.name === 'inf';
    informer.on('add', (o) => mine(o) && seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => mine(o) && seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o) => mine(o) && seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf' }, data: { v: '1' } } });
      await core.patchNamespacedConfigMap({ name: 'inf', namespace: 'default', body: { data: { v: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'default' });
      const deadline = Date.now() + 10_000;
      while (!seen.includes('delete inf') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(seen, ['add inf', 'update inf 2', 'delete inf']);
    } finally {
      await informer.stop();
    }
  });

  test('anonymous requests get 401; bearer tokens work', async () => {
    const anon = await raw(server, 'GET', '/api/v1/namespaces', undefined, {}, true);
    assert.equal(anon.status, 401);
    assert.equal(JSON.parse(anon.body).kind, 'Status');
    const token = readFileSync(join(server.dataDir, 'admin-token'), 'utf8').trim();
    const withToken = await raw(server, 'GET', '/api/v1/namespaces', undefined, { Authorization: `Bearer ${token}` }, true);
    assert.equal(withToken.status, 200);
    const badToken = await raw(server, 'GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer nope' }, true);
    assert.equal(badToken.status, 401);
  });

  test('bad input is a 4xx Status, writes nothing, and the server keeps serving', async () => {
    const cases: [string, string, string | Buffer, Record<string, string>, number, RegExp][] = [
      ['malformed JSON', '/api/v1/namespaces/default/configmaps', '{"metadata": {', {}, 400, /error decoding|JSON/],
      ['malformed YAML', '/api/v1/namespaces/default/configmaps', 'metadata: [a\n  b: }', { 'Content-Type': 'application/yaml' }, 400, /YAML/],
      ['wrong type', '/api/v1/namespaces/default/configmaps', '{"metadata":{"name":"wt"},"data":{"a":1}}', {}, 400, /cannot be handled as a ConfigMap/],
      ['invalid name', '/api/v1/namespaces/default/configmaps', '{"metadata":{"name":"Bad_Name"}}', {}, 422, /Invalid value: "Bad_Name"/],
      ['unknown field, Strict', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', '{"metadata":{"name":"uf"},"spec":{"x":1}}', {}, 400, /unknown field "spec"/],
      ['wrong kind', '/api/v1/namespaces/default/configmaps', '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"wk"}}', {}, 400, /kind/],
      ['wrong content type', '/api/v1/namespaces/default/configmaps', 'x', { 'Content-Type': 'text/csv' }, 415, /unknown format/],
      ['huge body', '/api/v1/namespaces/default/configmaps', Buffer.alloc(4 * 1024 * 1024, 'a'), {}, 413, /too large/],
      ['namespace mismatch', '/api/v1/namespaces/default/configmaps', '{"metadata":{"name":"nm","namespace":"kube-system"}}', {}, 400, /namespace/],
      ['missing namespace', '/api/v1/namespaces/nowhere/configmaps', '{"metadata":{"name":"mn"}}', {}, 404, /namespaces "nowhere" not found/],
      ['unknown resource', '/api/v1/namespaces/default/widgets', '{}', {}, 404, /could not find/],
    ];
    for (const [what, path, body, headers, code, message] of cases) {
      const r = await raw(server, 'POST', path, body, headers);
      assert.equal(r.status, code, `${what}: ${r.body.slice(0, 300)}`);
      const status = JSON.parse(r.body);
      assert.equal(status.kind, 'Status', what);
      assert.equal(status.code, code, what);
      assert.match(status.message, message, what);
    }
    const invalid = JSON.parse((await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata":{"name":"Bad_Name"}}')).body);
    assert.equal(invalid.details.causes[0].field, 'metadata.name');
    const left = JSON.parse((await raw(server, 'GET', '/api/v1/namespaces/default/configmaps')).body);
    assert.deepEqual(left.items.map((i: { metadata: { name: string } }) => i.metadata.name).filter((n: string) => n !== 'kube-root-ca.crt'), [], 'nothing was written');
    const stale = await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata":{"name":"cas"}}');
    const created = JSON.parse(stale.body);
    await raw(server, 'PUT', '/api/v1/namespaces/default/configmaps/cas', JSON.stringify({ ...created, data: { a: 'b' } }));
    const conflict = await raw(server, 'PUT', '/api/v1/namespaces/default/configmaps/cas', JSON.stringify({ ...created, data: { a: 'c' } }));
    assert.equal(conflict.status, 409);
    assert.equal((await raw(server, 'GET', '/readyz')).status, 200);
  });

  test('evictions respect PodDisruptionBudgets', async () => {
    const pod = { metadata: { name: 'evictee', labels: { app: 'guarded' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } };
    assert.equal((await raw(server, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod))).status, 201);
    const ready = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    assert.equal((await raw(server, 'PATCH', '/api/v1/namespaces/default/pods/evictee/status', JSON.stringify(ready), { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } };
    assert.equal((await raw(server, 'POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', JSON.stringify(pdb))).status, 201);
    // The disruption controller computes the budget's status; wait for its verdict.
    const allowedIs = async (n: number) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const b = JSON.parse((await raw(server, 'GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard')).body);
        if (b.status?.observedGeneration === b.metadata.generation && b.status?.disruptionsAllowed === n) return b;
        if (Date.now() > deadline) assert.fail(`budget never allowed ${n}: ${JSON.stringify(b.status)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await allowedIs(0);
    const eviction = JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictee', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } });
    const refused = await raw(server, 'POST', '/api/v1/namespaces/default/pods/evictee/eviction', eviction);
    assert.equal(refused.status, 429, refused.body);
    assert.match(JSON.parse(refused.body).message, /disruption budget/);
    assert.equal((await raw(server, 'PATCH', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guard', JSON.stringify({ spec: { minAvailable: 0 } }), { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    await allowedIs(1);
    const allowed = await raw(server, 'POST', '/api/v1/namespaces/default/pods/evictee/eviction', eviction);
    assert.equal(allowed.status, 201, allowed.body);
    assert.equal((await raw(server, 'GET', '/api/v1/namespaces/default/pods/evictee')).status, 404);
  });

  test('a watch from a resourceVersion older than the watch cache holds gets 410 Expired', async () => {
    // A restarted server's cache begins at the current revision, as kube-apiserver's does.
    await server.stop();
    await server.launch();
    const r = await raw(server, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1');
    assert.equal(r.status, 200);
    const ev = JSON.parse(r.body.split('\n')[0]);
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
  });
});

describe('crash safety', () => {
  test('SIGTERM stops the server cleanly and a restart serves what was there, with the same certificates', async () => {
    const server = await TestServer.start();
    try {
      const created = await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'kept' }, data: { a: 'b' } }));
      assert.equal(created.status, 201);
      const kubeconfigBefore = readFileSync(server.kubeconfig, 'utf8');
      assert.equal(await server.stop('SIGTERM'), 0, 'exit code 0 after SIGTERM');
      await server.launch();
      assert.equal(readFileSync(server.kubeconfig, 'utf8').includes(parse(kubeconfigBefore).clusters[0].cluster['certificate-authority-data']), true, 'the CA is reused');
      const got = await raw(server, 'GET', '/api/v1/namespaces/default/configmaps/kept');
      assert.equal(got.status, 200);
      assert.equal(JSON.parse(got.body).data.a, 'b');
    } finally {
      await server.cleanup();
    }
  });

  test('kill -9 during writes loses no acknowledged write', async () => {
    const server = await TestServer.start();
    try {
      const acked: string[] = [];
      let stop = false;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const name = `w${w}-${i}`;
          try {
            const r = await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name }, data: { i: String(i) } }));
            if (r.status === 201) acked.push(name);
          } catch {
            return; // the server is gone
          }
        }
      });
      // Kill once a fair number of writes were acknowledged (however loaded the machine), in mid-stream.
      for (const deadline = Date.now() + 60_000; acked.length < 60 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
      await server.stop('SIGKILL');
      stop = true;
      await Promise.all(writers);
      assert.ok(acked.length > 50, `only ${acked.length} writes were acknowledged`);
      await server.launch();
      const list = JSON.parse((await raw(server, 'GET', '/api/v1/namespaces/default/configmaps')).body);
      const present = new Set(list.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      const lost = acked.filter((n) => !present.has(n));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes were lost`);
    } finally {
      await server.cleanup();
    }
  });
});
