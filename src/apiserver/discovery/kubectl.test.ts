// The real kubectl against a loopback server that answers only discovery and OpenAPI:
// proves that the documents are what kubectl's api-resources, explain and
// field-validation probe expect, in both the oldest (1.27, OpenAPI v2 protobuf) and the
// current client (OpenAPI v3).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceRegistry } from '../../api/resources.js';
import { builtinSchemas } from '../../api/schema/index.js';
import { OpenAPIDocuments, openapiV2ProtoMediaType, wantsOpenAPIV2Proto } from '../../api/openapi/index.js';
import { aggregatedContentType, aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery } from './index.js';

const kubectls = ['/usr/bin/kubectl', '/usr/lib/google-cloud-sdk/bin/kubectl.1.27'].filter((k) => existsSync(k));

function serve(requests: string[]): (req: IncomingMessage, res: ServerResponse) => void {
  const registry = new ResourceRegistry();
  const docs = new OpenAPIDocuments(registry, builtinSchemas);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    requests.push(`${req.method} ${req.url}`);
    const send = (body: string | Uint8Array, type = 'application/json'): void => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    const agg = negotiateDiscovery(req.headers.accept);
    const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (p === '/api') return agg ? send(JSON.stringify(aggregatedDiscovery(registry, 'core', agg)), aggregatedContentType(agg)) : send(JSON.stringify(apiVersions(registry, '127.0.0.1')));
    if (p === '/apis') return agg ? send(JSON.stringify(aggregatedDiscovery(registry, 'apis', agg)), aggregatedContentType(agg)) : send(JSON.stringify(apiGroupList(registry)));
    if (p === '/api/v1') return send(JSON.stringify(apiResourceList(registry, '', 'v1')));
    if (gv) {
      const list = apiResourceList(registry, gv[1], gv[2]);
      if (list) return send(JSON.stringify(list));
    }
    if (p === '/openapi/v2') return wantsOpenAPIV2Proto(req.headers.accept) ? send(docs.v2Proto().bytes, openapiV2ProtoMediaType) : send(docs.v2().json);
    if (p === '/openapi/v3') return send(docs.v3Root().json);
    const doc = p.startsWith('/openapi/v3/') ? docs.v3ByPath(p.slice('/openapi/v3/'.length)) : undefined;
    if (doc) return send(doc.json);
    if (p === '/version') return send(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0' }));
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' }));
  };
}

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(bin, args, { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), KUBECONFIG: '/dev/null' }, timeout: 60_000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

for (const bin of kubectls) {
  test(`${bin} reads discovery and OpenAPI`, async (t) => {
    const requests: string[] = [];
    const server = createServer(serve(requests));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-'));
    t.after(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const base = ['--server', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--cache-dir', join(dir, 'cache')];

    const resources = await run(bin, [...base, 'api-resources']);
    assert.match(resources, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(resources, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);

    const explain = await run(bin, [...base, 'explain', 'pods.spec.containers.ports']);
    assert.match(explain, /FIELD: +ports <\[\]ContainerPort>/);
    assert.match(explain, /containerPort\t<integer> -required-/);
    const deploy = await run(bin, [...base, 'explain', 'deployment.spec.strategy']);
    assert.match(deploy, /rollingUpdate\t<RollingUpdateDeployment>/);

    // kubectl decides from OpenAPI whether the server validates fields itself; if it
    // found fieldValidation, the create goes out with fieldValidation=Strict.
    const manifest = join(dir, 'pod.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, image: busybox}]\n');
    await run(bin, [...base, 'create', '-f', manifest, '--validate=strict']);
    assert.ok(requests.some((r) => /^POST \/api\/v1\/namespaces\/default\/pods\?.*fieldValidation=Strict/.test(r)), requests.join('\n'));
  });
}

test('some kubectl is installed', () => {
  assert.ok(kubectls.length > 0, 'no kubectl found: the compatibility tests above did not run');
});
