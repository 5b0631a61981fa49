// End-to-end: the Endpoints and EndpointSlice controllers (run in this process) against
// the real API server, read back with the real kubectl. Pods are created directly and
// given IPs and readiness through the status subresource, as a kubelet would; no
// containers run. Covers ready pods, a pod turning not ready, and a pod terminating.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RestClient } from '../../src/client/rest-client.js';
import { until } from '../../src/client/testing/wait.js';
import { startEndpointsController } from '../../src/controllers/endpoints/index.js';
import { startEndpointSliceController, startEndpointSliceMirroringController, type EndpointSliceObj } from '../../src/controllers/endpointslice/index.js';
import type { EndpointsObj } from '../../src/controllers/endpoints/index.js';
import { kubectlPath, kubectlVersions, TestServer, type KubectlResult } from './harness.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const ns = 'svc-e2e';

/** kubectl without blocking this process's event loop (the controllers run here). */
function kubectl(server: TestServer, version: string, args: string[], input = ''): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(kubectlPath(version), ['--kubeconfig', server.kubeconfig, ...args], {
      env: { ...process.env, KUBECONFIG: server.kubeconfig, KUBECACHEDIR: join(server.dataDir, 'kubectl-cache') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(input);
  });
}

async function ok(server: TestServer, version: string, args: string[], input?: string): Promise<string> {
  const r = await kubectl(server, version, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const serviceYaml = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
`;

describe('Endpoints and EndpointSlices with the real API server and kubectl', { timeout: 300_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  const controllers: { stop(): Promise<void> }[] = [];

  before(async () => {
    server = await TestServer.start({ args: ['--disable-controllers'] });
    client = RestClient.fromKubeconfig(server.kubeconfig);
    controllers.push(startEndpointsController({ client, log: quiet }), startEndpointSliceController({ client, log: quiet }), startEndpointSliceMirroringController({ client, log: quiet }));
  });

  after(async () => {
    for (const c of controllers) await c.stop();
    client?.close();
    await server?.cleanup();
  });

  async function makePod(name: string, ip: string, ready: boolean): Promise<void> {
    await client.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: 'web' } },
      spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }] },
    });
    await setReady(name, ip, ready);
  }

  function setReady(name: string, ip: string, ready: boolean): Promise<unknown> {
    const status = ready ? 'True' : 'False';
    return client.patch(`/api/v1/namespaces/${ns}/pods/${name}/status`, {
      status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status }, { type: 'ContainersReady', status }] },
    });
  }

  const endpointsJson = async (v: string) => JSON.parse(await ok(server, v, ['-n', ns, 'get', 'endpoints', 'web', '-o', 'json'])) as EndpointsObj;
  const slicesJson = async (v: string) =>
    (JSON.parse(await ok(server, v, ['-n', ns, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])) as { items: EndpointSliceObj[] }).items;
  const readyIps = (e: EndpointsObj) => (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort().join(',');
  const notReadyIps = (e: EndpointsObj) => (e.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)).sort().join(',');

  test('ready pods, a pod turning not ready, and a pod terminating', async () => {
    const v = kubectlVersions[kubectlVersions.length - 1] ?? '1.33';
    await ok(server, v, ['create', 'namespace', ns]);
    await makePod('web-1', '10.42.0.11', true);
    await makePod('web-2', '10.42.0.12', true);
    await makePod('web-3', '10.42.0.13', false);
    await ok(server, v, ['apply', '-f', '-'], serviceYaml);

    await until(async () => readyIps(await endpointsJson(v)) === '10.42.0.11,10.42.0.12', 'ready endpoints', 20_000, 200);
    const eps = await endpointsJson(v);
    assert.equal(notReadyIps(eps), '10.42.0.13');
    assert.deepEqual(eps.subsets![0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const a = eps.subsets![0].addresses!.find((x) => x.ip === '10.42.0.11')!;
    assert.equal(a.nodeName, 'node-a');
    assert.equal(a.targetRef?.kind, 'Pod');
    assert.equal(a.targetRef?.name, 'web-1');
    // The human view, as every kubectl version prints it.
    for (const kv of kubectlVersions) {
      const table = await ok(server, kv, ['-n', ns, 'get', 'endpoints', 'web']);
      assert.match(table, /10\.42\.0\.11:8080/, `kubectl ${kv} get endpoints`);
      assert.match(table, /10\.42\.0\.12:8080/);
      const slices = await ok(server, kv, ['-n', ns, 'get', 'endpointslices']);
      assert.match(slices, /^web-[a-z0-9]{5}\s+IPv4\s+8080\s+/m, `kubectl ${kv} get endpointslices:\n${slices}`);
    }

    let slices = await slicesJson(v);
    assert.equal(slices.length, 1);
    const sliceName = slices[0].metadata.name;
    assert.equal(slices[0].metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal((slices[0].metadata.ownerReferences ?? [])[0]?.kind, 'Service');
    const cond = (s: EndpointSliceObj[], ip: string) => s.flatMap((x) => x.endpoints ?? []).find((e) => e.addresses[0] === ip)?.conditions;
    assert.deepEqual(cond(slices, '10.42.0.11'), { ready: true, serving: true, terminating: false });
    assert.deepEqual(cond(slices, '10.42.0.13'), { ready: false, serving: false, terminating: false });

    // Settled: no write loops against what the server stores (a rewrite would bump the resourceVersion).
    const rv = async () => `${(await endpointsJson(v)).metadata.resourceVersion}/${(await slicesJson(v)).map((x) => x.metadata.resourceVersion).join()}`;
    const before = await rv();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await rv(), before, 'endpoints and slices are not rewritten when nothing changed');

    // web-2 turns not ready.
    await setReady('web-2', '10.42.0.12', false);
    await until(async () => notReadyIps(await endpointsJson(v)) === '10.42.0.12,10.42.0.13', 'web-2 not ready', 20_000, 200);
    assert.equal(readyIps(await endpointsJson(v)), '10.42.0.11');
    await until(async () => cond(await slicesJson(v), '10.42.0.12')?.ready === false, 'slice: web-2 not ready', 20_000, 200);

    // web-1 is deleted; bound to a node without a kubelet, it stays terminating.
    await ok(server, v, ['-n', ns, 'delete', 'pod', 'web-1', '--wait=false']);
    await until(async () => readyIps(await endpointsJson(v)) === '', 'web-1 out of Endpoints', 20_000, 200);
    await until(async () => cond(await slicesJson(v), '10.42.0.11')?.terminating === true, 'web-1 terminating in its slice', 20_000, 200);
    slices = await slicesJson(v);
    assert.deepEqual(cond(slices, '10.42.0.11'), { ready: false, serving: true, terminating: true });
    assert.equal(slices.length, 1);
    assert.equal(slices[0].metadata.name, sliceName, 'updated in place');

    // Gone for good: out of the slice too.
    await ok(server, v, ['-n', ns, 'delete', 'pod', 'web-1', '--grace-period=0', '--force']);
    await until(async () => cond(await slicesJson(v), '10.42.0.11') === undefined, 'web-1 gone from the slice', 20_000, 200);

    // Deleting the Service takes its Endpoints and slices.
    await ok(server, v, ['-n', ns, 'delete', 'service', 'web']);
    await until(async () => (await kubectl(server, v, ['-n', ns, 'get', 'endpoints', 'web'])).code !== 0, 'endpoints deleted', 20_000, 200);
    await until(async () => (await slicesJson(v)).length === 0, 'slices deleted', 20_000, 200);
  });

  test('a Service without a selector keeps the Endpoints kubectl writes, mirrored into a slice', async () => {
    const v = kubectlVersions[kubectlVersions.length - 1] ?? '1.33';
    const yaml = `apiVersion: v1
kind: Service
metadata:
  name: ext
  namespace: ${ns}
spec:
  ports:
  - name: pg
    port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: ext
  namespace: ${ns}
subsets:
- addresses:
  - ip: 192.0.2.10
  ports:
  - name: pg
    port: 5432
`;
    await ok(server, v, ['apply', '-f', '-'], yaml);
    const mirrored = async () =>
      (JSON.parse(await ok(server, v, ['-n', ns, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=ext', '-o', 'json'])) as { items: EndpointSliceObj[] }).items;
    await until(async () => (await mirrored()).length === 1, 'mirrored slice', 20_000, 200);
    const [slice] = await mirrored();
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.deepEqual(slice.endpoints?.map((e) => e.addresses[0]), ['192.0.2.10']);
    assert.deepEqual(slice.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    const eps = JSON.parse(await ok(server, v, ['-n', ns, 'get', 'endpoints', 'ext', '-o', 'json'])) as EndpointsObj;
    assert.equal(readyIps(eps), '192.0.2.10', 'the endpoints controller left them alone');
    // The API server's own `kubernetes` Endpoints and slice are untouched and not mirrored.
    const k = JSON.parse(await ok(server, v, ['-n', 'default', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'json'])) as { items: EndpointSliceObj[] };
    assert.deepEqual(k.items.map((x) => x.metadata.name), ['kubernetes']);
    assert.equal(readyIps(JSON.parse(await ok(server, v, ['-n', 'default', 'get', 'endpoints', 'kubernetes', '-o', 'json'])) as EndpointsObj), '127.0.0.1');
  });
});
