// Go's own codec as the oracle: a seeded sample of a kind, filled to every field, is
// encoded here and handed to the real kubectl as the server's protobuf answer to a
// create; kubectl decodes it with Go's generated code and prints it with encoding/json.
// What it prints must be exactly what decodeKubernetesProtobuf makes of the same bytes,
// so every field number, wire type, pointer and omitempty rule of the kinds below is
// checked against Kubernetes itself. Skipped where kubectl 1.33 is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeKubernetesProtobuf, defaultSchema, encodeKubernetesProtobuf } from './index.js';
import { messageForKind } from './kinds.js';
import { sampleObject } from './sample.js';
import { fieldsNewerThanBase } from './tables/newer-fields.js';

const kubectl = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const skip = existsSync(kubectl) ? false : `${kubectl} is not installed`;

// GETs some commands make first (autoscale reads its target).
const target = { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [] } } } };

// Just enough legacy discovery for the commands that resolve resources (role, autoscale).
const resource = (name: string, kind: string) => ({ name, singularName: '', namespaced: true, kind, verbs: ['create', 'get', 'list'] });
const discovery: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: ['apps/v1', 'autoscaling/v2'].map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' } })),
  },
  '/api/v1': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [resource('pods', 'Pod')] },
  '/apis/apps/v1': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment'), { ...resource('deployments/scale', 'Scale'), group: 'autoscaling', version: 'v1' }] },
  '/apis/autoscaling/v2': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'autoscaling/v2', resources: [resource('horizontalpodautoscalers', 'HorizontalPodAutoscaler')] },
};

async function kubectlWithAnswer(args: string[], answer: Uint8Array): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' && discovery[path]) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(discovery[path]));
      } else if (req.method === 'POST' || (req.method === 'GET' && path === '/api/v1/namespaces/default/events')) {
        res.writeHead(201, { 'content-type': 'application/vnd.kubernetes.protobuf' });
        res.end(answer);
      } else if (req.method === 'GET' && req.url?.startsWith('/apis/apps/v1/namespaces/default/deployments/web')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(target));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const home = mkdtempSync(join(tmpdir(), 'k8ts-protobuf-oracle-'));
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      // kubectl drops managedFields from what it prints unless asked (create token cannot be).
      const flags = args[1] === 'token' ? ['-o', 'json'] : ['-o', 'json', '--show-managed-fields'];
      execFile(kubectl, ['--server', `http://127.0.0.1:${port}`, ...args, ...flags],
        { env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') }, timeout: 30000, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
    });
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const cases: [string, string, string[]][] = [
  ['apps/v1', 'Deployment', ['create', 'deployment', 'web', '--image=nginx']],
  ['batch/v1', 'Job', ['create', 'job', 'j', '--image=busybox']],
  ['batch/v1', 'CronJob', ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=* * * * *']],
  ['v1', 'Service', ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080']],
  ['v1', 'ConfigMap', ['create', 'configmap', 'cm']],
  ['v1', 'Secret', ['create', 'secret', 'generic', 's']],
  ['v1', 'Namespace', ['create', 'namespace', 'ns']],
  ['v1', 'ServiceAccount', ['create', 'serviceaccount', 'sa']],
  ['v1', 'ResourceQuota', ['create', 'quota', 'q', '--hard=pods=1']],
  ['rbac.authorization.k8s.io/v1', 'Role', ['create', 'role', 'r', '--verb=get', '--resource=pods']],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', ['create', 'rolebinding', 'rb', '--role=r', '--user=u']],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', ['create', 'clusterrole', 'cr', '--verb=get', '--resource=pods']],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--user=u']],
  ['scheduling.k8s.io/v1', 'PriorityClass', ['create', 'priorityclass', 'pc', '--value=1']],
  ['policy/v1', 'PodDisruptionBudget', ['create', 'poddisruptionbudget', 'pdb', '--selector=a=b', '--min-available=1']],
  ['networking.k8s.io/v1', 'Ingress', ['create', 'ingress', 'ing', '--rule=a.com/=svc:80']],
  ['authentication.k8s.io/v1', 'SelfSubjectReview', ['auth', 'whoami']],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', ['autoscale', 'deployment', 'web', '--max=3']],
  // A list read with the typed client, not a create answer.
  ['v1', 'EventList', ['events']],
  ['authentication.k8s.io/v1', 'TokenRequest', ['create', 'token', 'sa']],
];

// A list's continue token would make kubectl fetch the next page for ever.
const omit = new Set([...fieldsNewerThanBase, 'meta/v1.ListMeta.continue']);

/** The first place two JSON values differ, for a failure message one can act on. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (const k of [...new Set([...ka, ...kb])]) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return `${path}: key order ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  }
  return `${path}: ours ${JSON.stringify(a)?.slice(0, 200)}, Go ${JSON.stringify(b)?.slice(0, 200)}`;
}

for (const [apiVersion, kind, args] of cases) {
  test(`Go decodes our ${kind} and prints what we decode`, { skip }, async () => {
    const schema = defaultSchema();
    for (const [seed, zeroRate] of [[1, 0], [2, 0.25], [3, 0.5]]) {
      const skipped = kind === 'TokenRequest' ? new Set([...omit, 'meta/v1.ObjectMeta.managedFields']) : omit;
      const sample = { kind, apiVersion, ...sampleObject(schema, messageForKind(schema, apiVersion, kind), { seed, zeroRate, omit: skipped }) };
      const bytes = encodeKubernetesProtobuf(sample);
      const printed = JSON.parse(await kubectlWithAnswer(args, bytes)) as Record<string, unknown>;
      const ours = decodeKubernetesProtobuf(bytes).object;
      if (kind.endsWith('List')) {
        // kubectl events prints a list of its own, sorted by time, each item with its
        // kind and apiVersion set: compare the items without those.
        const byName = (o: Record<string, unknown>) => JSON.stringify((o.metadata as Record<string, unknown> | undefined)?.name ?? '');
        const items = (o: Record<string, unknown>) => (o.items as Record<string, unknown>[])
          .map(({ kind: _k, apiVersion: _a, ...rest }) => rest).sort((a, b) => byName(a).localeCompare(byName(b)));
        assert.equal(firstDifference(items(ours), items(printed)), undefined, `seed ${seed}`);
        continue;
      }
      assert.equal(firstDifference(ours, printed), undefined, `seed ${seed}`);
    }
  });
}
