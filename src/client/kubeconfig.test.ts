import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeconfigError, readKubeconfig, writeKubeconfig } from './kubeconfig.js';

const ca = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const cert = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const key = '-----BEGIN EC PRIVATE KEY-----\nS0VZ\n-----END EC PRIVATE KEY-----\n';

test('writeKubeconfig round-trips through readKubeconfig, mode 0600', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(path, 'old', { mode: 0o644 });
  writeKubeconfig(path, { server: 'https://127.0.0.1:6443', caPem: ca, certPem: cert, keyPem: key, user: 'admin', cluster: 'k8ts', context: 'default' });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const kc = readKubeconfig(path);
  assert.equal(kc.server, 'https://127.0.0.1:6443');
  assert.equal(kc.ca, ca);
  assert.equal(kc.cert, cert);
  assert.equal(kc.key, key);
  assert.equal(kc.token, undefined);
  assert.deepEqual([kc.context, kc.cluster, kc.user], ['default', 'k8ts', 'admin']);

  writeKubeconfig(path, { server: 'https://10.0.0.1:6443', caPem: ca, token: 'abc.def', user: 'node', cluster: 'c', context: 'x' });
  const kc2 = readKubeconfig(path);
  assert.equal(kc2.token, 'abc.def');
  assert.equal(kc2.cert, undefined);
});

test('file references resolve relative to the kubeconfig; --context picks another context', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ca.crt'), ca);
  writeFileSync(join(dir, 'c.crt'), cert);
  writeFileSync(join(dir, 'c.key'), key);
  const path = join(dir, 'config');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: a
  cluster: { server: 'https://a:6443', certificate-authority: ca.crt }
- name: b
  cluster: { server: 'https://b:6443', insecure-skip-tls-verify: true }
users:
- name: u1
  user: { client-certificate: c.crt, client-key: ${join(dir, 'c.key')} }
- name: u2
  user: { token: t2 }
contexts:
- name: one
  context: { cluster: a, user: u1 }
- name: two
  context: { cluster: b, user: u2, namespace: kube-system }
`,
  );
  const one = readKubeconfig(path);
  assert.equal(one.server, 'https://a:6443');
  assert.equal(one.ca, ca);
  assert.equal(one.cert, cert);
  assert.equal(one.key, key);
  const two = readKubeconfig(path, { context: 'two' });
  assert.equal(two.server, 'https://b:6443');
  assert.equal(two.insecureSkipTLSVerify, true);
  assert.equal(two.token, 't2');
  assert.equal(two.namespace, 'kube-system');
  assert.throws(() => readKubeconfig(path, { context: 'three' }), KubeconfigError);
  assert.throws(() => readKubeconfig(join(dir, 'missing')), KubeconfigError);
});
