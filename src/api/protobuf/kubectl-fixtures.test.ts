// Bodies recorded from the real kubectl 1.33 must decode to exactly the JSON the same
// kubectl prints for the object (--dry-run=client -o json), key order included, and
// re-encode to the very bytes kubectl sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlFixtures } from './fixtures/kubectl-1_33.js';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from './index.js';

// kubectl has no dry run for these; the JSON Go would print for the same struct.
const expectedWithoutDryRun: Record<string, Record<string, unknown>> = {
  token: {
    kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null },
    spec: { audiences: ['a1', 'a2'], expirationSeconds: 3600, boundObjectRef: null }, status: { token: '', expirationTimestamp: null },
  },
  whoami: {
    kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: {} },
  },
  'can-i': {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'kube-system', verb: 'create', resource: 'pods' } }, status: { allowed: false },
  },
  'can-i-subresource': {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods', subresource: 'log' } }, status: { allowed: false },
  },
  'can-i-list': {
    kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
    spec: { namespace: 'ns' }, status: { resourceRules: null, nonResourceRules: null, incomplete: false },
  },
  // kubectl debug node/n1 --profile=general: a Pod, the one kind kubectl create cannot make.
  'debug-node-pod': {
    kind: 'Pod', apiVersion: 'v1', metadata: { name: 'node-debugger-n1-<random>', creationTimestamp: null },
    spec: {
      volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
      containers: [{ name: 'debugger', image: 'busybox', resources: {}, volumeMounts: [{ name: 'host-root', mountPath: '/host' }], terminationMessagePolicy: 'File' }],
      restartPolicy: 'Never', nodeName: 'n1', hostNetwork: true, hostPID: true, hostIPC: true, tolerations: [{ operator: 'Exists' }],
    },
    status: {},
  },
  // The CSR as the stand-in server served it, with the condition kubectl adds.
  'certificate-approve': {
    kind: 'CertificateSigningRequest', apiVersion: 'certificates.k8s.io/v1',
    metadata: { name: 'csr1', uid: 'csr-uid', resourceVersion: '3', creationTimestamp: null },
    spec: { request: 'AAAA', signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'bob', groups: ['g'] },
    status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.', lastUpdateTime: '<now>', lastTransitionTime: null }] },
  },
  'can-i-nonresource': {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null },
    spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } }, status: { allowed: false },
  },
};

// Values kubectl makes up at recording time: a random name suffix, the clock.
const volatile: [RegExp, string][] = [[/^node-debugger-n1-[a-z0-9]{5}$/, 'node-debugger-n1-<random>'], [/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, '<now>']];
function stabilize(v: unknown): unknown {
  if (typeof v === 'string') return volatile.find(([re]) => re.test(v))?.[1] ?? v;
  if (Array.isArray(v)) return v.map(stabilize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stabilize(x)]));
  return v;
}

test('fixtures cover the kinds kubectl create sends', () => {
  const kinds = new Set(kubectlFixtures.map((f) => decodeKubernetesProtobuf(Buffer.from(f.hex, 'hex')).kind));
  for (const k of ['ConfigMap', 'Secret', 'Namespace', 'Deployment', 'Job', 'CronJob', 'Service', 'ServiceAccount', 'Role', 'RoleBinding',
    'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'PodDisruptionBudget', 'ResourceQuota', 'Ingress', 'TokenRequest',
    'SelfSubjectReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'HorizontalPodAutoscaler', 'Pod', 'CertificateSigningRequest']) {
    assert.ok(kinds.has(k), `no fixture of ${k}`);
  }
});

for (const f of kubectlFixtures) {
  test(`kubectl 1.33 body decodes like its JSON: ${f.command}`, () => {
    const body = Buffer.from(f.hex, 'hex');
    const expected = f.json ?? expectedWithoutDryRun[f.name];
    assert.ok(expected, `no expected JSON for ${f.name}`);
    const got = decodeKubernetesProtobuf(body);
    if (!f.json) got.object = stabilize(got.object) as Record<string, unknown>;
    assert.equal(got.kind, expected.kind);
    assert.equal(got.apiVersion, expected.apiVersion);
    assert.deepEqual(got.object, expected);
    // Same keys in the same order as Go's encoding/json.
    assert.equal(JSON.stringify(got.object), JSON.stringify(expected));
  });

  test(`re-encoding gives kubectl's exact bytes: ${f.name}`, () => {
    const body = Buffer.from(f.hex, 'hex');
    const again = Buffer.from(encodeKubernetesProtobuf(decodeKubernetesProtobuf(body).object));
    assert.equal(again.toString('hex'), f.hex);
  });
}
