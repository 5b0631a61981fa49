#!/usr/bin/env node
// Records the protobuf bodies kubectl sends and, where kubectl can show the same object
// with `--dry-run=client -o json`, the JSON it would have sent instead: both go into
// ../fixtures/kubectl-<version>.ts, so the decoder is checked against kubectl itself.
//
//   node make-fixtures.mjs [kubectl binary] [version label]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureKubectl } from './fake-apiserver.mjs';

const kubectl = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const label = process.argv[3] ?? '1.33';

// Objects some commands read before they write.
const existing = {
  '/api/v1/nodes/n1': { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1' }, spec: {} },
  '/apis/batch/v1/namespaces/default/cronjobs/cj': {
    kind: 'CronJob', apiVersion: 'batch/v1', metadata: { name: 'cj', namespace: 'default', uid: 'cj-uid' },
    spec: { schedule: '* * * * *', jobTemplate: { metadata: { labels: { t: 'x' } }, spec: { backoffLimit: 0, template: { spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'OnFailure' } } } } },
  },
  '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr1': {
    kind: 'CertificateSigningRequest', apiVersion: 'certificates.k8s.io/v1', metadata: { name: 'csr1', uid: 'csr-uid', resourceVersion: '3' },
    spec: { request: 'AAAA', signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'bob', groups: ['g'] },
    status: {},
  },
  '/apis/apps/v1/namespaces/default/deployments/web': {
    kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
  },
};
const answer = (method, path) => (method === 'GET' && existing[path] ? { code: 200, body: existing[path] } : undefined);

const blobDir = mkdtempSync(join(tmpdir(), 'fixture-blob-'));
const blob = join(blobDir, 'blob');
writeFileSync(blob, Buffer.from([0, 1, 2, 0xfe, 0xff]));
// [name, args, has a client-side dry run]
const cases = [
  ['configmap', ['create', 'configmap', 'x', '--from-literal=a=b', '--from-literal=empty='], true],
  ['configmap-binary', ['create', 'configmap', 'bin', `--from-file=blob=${blob}`], true],
  ['secret', ['create', 'secret', 'generic', 's', '--from-literal=k=v', '--from-literal=bin=\x01\x02\xff', '--type=Opaque'], true],
  ['secret-tls', ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p'], true],
  ['namespace', ['create', 'namespace', 'ns1'], true],
  ['deployment', ['create', 'deployment', 'web', '--image=nginx', '--replicas=0', '--port=80'], true],
  ['deployment-multi', ['create', 'deployment', 'multi', '--image=nginx', '--image=busybox', '--replicas=3', '-n', 'apps'], true],
  ['job', ['create', 'job', 'j', '--image=busybox', '--', 'sh', '-c', 'exit 0'], true],
  ['cronjob', ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--restart=Never', '--', 'echo', 'hi'], true],
  ['service-clusterip', ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https'], true],
  ['service-nodeport', ['create', 'service', 'nodeport', 'np', '--tcp=5678:8080', '--node-port=30001'], true],
  ['service-headless', ['create', 'service', 'clusterip', 'hl', '--clusterip=None'], true],
  ['service-externalname', ['create', 'service', 'externalname', 'ext', '--external-name=example.com'], true],
  ['serviceaccount', ['create', 'serviceaccount', 'sa1'], true],
  ['role', ['create', 'role', 'r', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=a'], true],
  ['rolebinding', ['create', 'rolebinding', 'rb', '--role=r', '--user=alice', '--serviceaccount=default:sa1'], true],
  ['clusterrole', ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/healthz'], true],
  ['clusterrole-aggregated', ['create', 'clusterrole', 'agg', '--aggregation-rule=x=y'], true],
  ['clusterrolebinding', ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=devs'], true],
  ['priorityclass', ['create', 'priorityclass', 'pc', '--value=1000', '--description=d', '--preemption-policy=Never'], true],
  ['priorityclass-zero', ['create', 'priorityclass', 'pc0', '--value=0', '--global-default'], true],
  ['pdb', ['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=50%'], true],
  ['pdb-max', ['create', 'poddisruptionbudget', 'pdb2', '--selector=app=web', '--max-unavailable=1'], true],
  ['quota', ['create', 'quota', 'q', '--hard=cpu=1,memory=1G,pods=2,requests.storage=500m', '--scopes=BestEffort'], true],
  ['ingress', ['create', 'ingress', 'ing', '--rule=foo.com/bar*=svc:8080,tls=my-cert', '--class=nginx', '--annotation=a=b'], true],
  ['ingress-default-backend', ['create', 'ingress', 'def', '--default-backend=svc:http'], true],
  ['job-from-cronjob', ['create', 'job', 'jj', '--from=cronjob/cj'], true],
  ['hpa', ['autoscale', 'deployment', 'web', '--max=3', '--min=0', '--cpu-percent=50'], true],
  ['debug-node-pod', ['debug', 'node/n1', '--image=busybox', '--profile=general'], false],
  ['can-i-list', ['auth', 'can-i', '--list', '-n', 'ns'], false],
  ['certificate-approve', ['certificate', 'approve', 'csr1'], false],
  ['token', ['create', 'token', 'sa1', '--duration=1h', '--audience=a1', '--audience=a2'], false],
  ['whoami', ['auth', 'whoami'], false],
  ['can-i', ['auth', 'can-i', 'create', 'pods', '-n', 'kube-system'], false],
  ['can-i-subresource', ['auth', 'can-i', 'get', 'pods', '--subresource=log'], false],
  ['can-i-nonresource', ['auth', 'can-i', 'get', '/logs'], false],
];

async function dryRun(args) {
  const i = args.indexOf('--');
  const a = i < 0 ? [...args, '--dry-run=client', '-o', 'json'] : [...args.slice(0, i), '--dry-run=client', '-o', 'json', ...args.slice(i)];
  const r = await captureKubectl(kubectl, a, answer);
  if (r.code !== 0) throw new Error(`dry run of ${args.join(' ')}: ${r.output}`);
  return JSON.parse(r.output);
}

const out = [];
try {
  for (const [name, args, hasDryRun] of cases) {
    const r = await captureKubectl(kubectl, args, answer);
    const w = r.writes.find((x) => x.contentType === 'application/vnd.kubernetes.protobuf');
    if (!w) { console.error(`${name}: no protobuf body (exit ${r.code}): ${r.output}`); continue; }
    out.push({ name, command: `kubectl ${args.join(' ')}`, path: w.path, hex: w.body.toString('hex'), json: hasDryRun ? await dryRun(args) : null });
    console.log(`${name}: ${w.body.length} bytes`);
  }
} finally {
  rmSync(blobDir, { recursive: true, force: true });
}

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', `kubectl-${label.replace('.', '_')}.ts`);
const lines = out.map((c) => `  {\n    name: ${JSON.stringify(c.name)},\n    command: ${JSON.stringify(c.command)},\n    path: ${JSON.stringify(c.path)},\n    hex: '${c.hex}',\n    json: ${c.json ? JSON.stringify(c.json) : 'null'},\n  },`);
writeFileSync(file, `// Request bodies recorded from kubectl ${label} by ../tools/make-fixtures.mjs, with the JSON
// the same kubectl prints for the object under --dry-run=client -o json (null where it has none).
export interface KubectlFixture {
  name: string;
  command: string;
  path: string;
  hex: string;
  json: Record<string, unknown> | null;
}

export const kubectlFixtures: KubectlFixture[] = [
${lines.join('\n')}
];
`);
console.log(`wrote ${file}`);
