// The patches the real kubectl sends, captured from it and applied with our code. A
// loopback HTTP server serves just enough of the API for `kubectl apply` (discovery and
// one Pod), records each PATCH and answers with our patched object.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { builtinSchemas } from '../schema/index.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import type { JsonObject } from './json.js';
import { serverSideApply } from '../apply/server-side-apply.js';

const kubectl = '/usr/bin/kubectl';
const skip = existsSync(kubectl) ? false : 'kubectl is not installed';
const podCtx = { source: builtinSchemas, definition: builtinSchemas.definitionFor({ group: '', version: 'v1', kind: 'Pod' }) ?? '' };

interface Captured {
  url: string;
  contentType: string;
  body: string;
}

/** Runs `kubectl apply` on `manifest` against a server holding `live`; returns the PATCH requests and the final object. */
async function kubectlApply(t: TestContext, live: JsonObject | undefined, manifest: JsonObject, args: string[] = []): Promise<{ patches: Captured[]; result: JsonObject | undefined }> {
  const patches: Captured[] = [];
  let current = live;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = (code: number, obj: unknown): void => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const path = (req.url ?? '').split('?')[0];
      if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
      if (path === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
      if (path === '/api/v1') {
        return send(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'get', 'list', 'patch', 'update'] }] });
      }
      if (path === '/api/v1/namespaces/default/pods/p') {
        if (req.method === 'GET') return current ? send(200, current) : send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
        if (req.method === 'PATCH') {
          const contentType = String(req.headers['content-type'] ?? '');
          patches.push({ url: req.url ?? '', contentType, body });
          if (contentType === 'application/strategic-merge-patch+json' && current) {
            current = applyStrategicMergePatch(current, JSON.parse(body), podCtx);
          } else if (contentType === 'application/apply-patch+yaml') {
            const manager = new URL(req.url ?? '', 'http://x').searchParams.get('fieldManager') ?? '';
            current = serverSideApply({ live: current, applied: parseYaml(body) as JsonObject, manager, schemaCtx: podCtx, now: new Date() }).object;
          }
          return send(200, current);
        }
      }
      send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-'));
  t.after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const port = (server.address() as { port: number }).port;
  writeFileSync(
    join(dir, 'kubeconfig'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'u', user: {} }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
      'current-context': 'x',
    }),
  );
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await new Promise<void>((resolve, reject) => {
    execFile(kubectl, ['--kubeconfig', join(dir, 'kubeconfig'), 'apply', '--validate=false', ...args, '-f', join(dir, 'manifest.json')], { timeout: 30_000, env: { ...process.env, HOME: dir } }, (err, _stdout, stderr) =>
      err ? reject(new Error(`kubectl failed: ${stderr}`)) : resolve(),
    );
  });
  return { patches, result: current };
}

/** The live Pod after a first `kubectl apply` of `lastApplied`, as the server would hold it (defaulted). */
function liveAfterFirstApply(lastApplied: JsonObject, extra: (o: JsonObject) => void = () => {}): JsonObject {
  const o = structuredClone(lastApplied);
  o.metadata = { ...(o.metadata as JsonObject), uid: 'u1', resourceVersion: '1', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(lastApplied) + '\n' } };
  extra(o);
  return o;
}

const podManifest = (spec: JsonObject, metadata: JsonObject = {}): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', ...metadata },
  spec,
});
const containersOf = (o: JsonObject | undefined) => (o?.spec as JsonObject).containers as JsonObject[];

test('second kubectl apply: image change, removed port, removed container, removed label', { skip }, async (t) => {
  const first = podManifest(
    { containers: [{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }, { containerPort: 443 }] }, { name: 'sidecar', image: 'busybox' }] },
    { labels: { app: 'web', tier: 'x' } },
  );
  const live = liveAfterFirstApply(first, (o) => {
    for (const c of containersOf(o)) {
      c.terminationMessagePath = '/dev/termination-log';
      for (const p of (c.ports as JsonObject[] | undefined) ?? []) p.protocol = 'TCP';
    }
  });
  const second = podManifest({ containers: [{ name: 'web', image: 'nginx:2', ports: [{ containerPort: 80 }] }] }, { labels: { app: 'web' } });
  const { patches, result } = await kubectlApply(t, live, second);
  assert.equal(patches.length, 1);
  assert.equal(patches[0].contentType, 'application/strategic-merge-patch+json');
  assert.match(patches[0].url, /fieldManager=kubectl-client-side-apply/);
  const patch = JSON.parse(patches[0].body) as { spec: JsonObject };
  assert.deepEqual(patch.spec['$setElementOrder/containers'], [{ name: 'web' }]);
  assert.deepEqual((result?.metadata as JsonObject).labels, { app: 'web' });
  assert.deepEqual(containersOf(result), [{ name: 'web', image: 'nginx:2', ports: [{ containerPort: 80, protocol: 'TCP' }], terminationMessagePath: '/dev/termination-log' }]);
});

test('kubectl apply reordering and adding env vars keeps the manifest order', { skip }, async (t) => {
  const env = (names: string[]) => names.map((name) => ({ name, value: name.toLowerCase() }));
  const first = podManifest({ containers: [{ name: 'web', image: 'nginx', env: env(['A', 'B', 'C']) }] });
  const { patches, result } = await kubectlApply(t, liveAfterFirstApply(first), podManifest({ containers: [{ name: 'web', image: 'nginx', env: env(['C', 'NEW', 'A']) }] }));
  assert.match(patches[0].body, /\$setElementOrder\/env/);
  assert.deepEqual((containersOf(result)[0].env as JsonObject[]).map((e) => e.name), ['C', 'NEW', 'A']);
});

test('kubectl apply switching a volume source sends $retainKeys', { skip }, async (t) => {
  const first = podManifest({ containers: [{ name: 'web', image: 'nginx' }], volumes: [{ name: 'data', emptyDir: {} }] });
  const { patches, result } = await kubectlApply(t, liveAfterFirstApply(first), podManifest({ containers: [{ name: 'web', image: 'nginx' }], volumes: [{ name: 'data', hostPath: { path: '/srv' } }] }));
  assert.match(patches[0].body, /\$retainKeys/);
  assert.deepEqual((result?.spec as JsonObject).volumes, [{ name: 'data', hostPath: { path: '/srv' } }]);
});

test('kubectl apply of primitive merge lists: finalizers deleted and reordered, server-only ones kept', { skip }, async (t) => {
  const first = podManifest({ containers: [{ name: 'web', image: 'nginx' }] }, { finalizers: ['example.com/a', 'example.com/b'] });
  const live = liveAfterFirstApply(first, (o) => ((o.metadata as JsonObject).finalizers = ['example.com/a', 'example.com/srv', 'example.com/b']));
  const { patches, result } = await kubectlApply(t, live, podManifest({ containers: [{ name: 'web', image: 'nginx' }] }, { finalizers: ['example.com/b', 'example.com/c'] }));
  const meta = (JSON.parse(patches[0].body) as { metadata: JsonObject }).metadata;
  assert.deepEqual(meta['$deleteFromPrimitiveList/finalizers'], ['example.com/a']);
  assert.deepEqual((result?.metadata as JsonObject).finalizers, ['example.com/srv', 'example.com/b', 'example.com/c']);
});

test('kubectl apply --server-side sends an apply patch that we apply', { skip }, async (t) => {
  const manifest = podManifest({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }, { labels: { app: 'web' } });
  const { patches, result } = await kubectlApply(t, undefined, manifest, ['--server-side']);
  assert.equal(patches.length, 1);
  assert.equal(patches[0].contentType, 'application/apply-patch+yaml');
  assert.match(patches[0].url, /fieldManager=kubectl/);
  const entries = (result?.metadata as JsonObject).managedFields as JsonObject[];
  assert.equal(entries[0].manager, 'kubectl');
  assert.equal(entries[0].operation, 'Apply');
  assert.deepEqual(containersOf(result), [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] }]);
});
