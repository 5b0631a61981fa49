// The real kubectl, oldest and newest installed versions, against a fresh k8ts server.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { writeKubeconfig } from '../../src/client/kubeconfig.js';
import { kubectlPath, kubectlVersions, TestServer } from './harness.js';

function appManifest(ns: string, second: boolean): string {
  const ports = second ? '        - containerPort: 80\n' : '        - containerPort: 80\n        - containerPort: 9090\n          name: debug\n';
  const env = second ? '        - name: MODE\n          value: slow\n' : '        - name: DEBUG\n          value: "1"\n        - name: MODE\n          value: fast\n';
  const labels = second ? '    app: web\n' : '    app: web\n    tier: frontend\n';
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  mode: ${second ? 'slow' : 'fast'}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels:
${labels}spec:
  replicas: ${second ? 3 : 2}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${second ? 'busybox:1.36' : 'busybox:1.35'}
        ports:
${ports}        env:
${env}      - name: sidecar
        image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
`;
}

for (const v of kubectlVersions) {
  describe(`kubectl ${v}`, () => {
    let server: TestServer;
    const ns = `e2e-${v.replace('.', '-')}`;
    const k = (...args: string[]) => server.ok(v, args);
    const kIn = (input: string, ...args: string[]) => server.ok(v, args, input);
    const kTry = (...args: string[]) => server.kubectl(v, args);
    const json = (...args: string[]) => JSON.parse(k(...args, '-o', 'json'));

    before(async () => {
      server = await TestServer.start();
      k('create', 'namespace', ns);
    });
    after(async () => {
      await server?.cleanup();
    });

    test('version and discovery', () => {
      assert.match(k('version', '-o', 'json'), /"gitVersion": "v1\.\d+\.\d+/);
      const resources = k('api-resources');
      for (const r of ['pods', 'deployments', 'configmaps', 'leases', 'cronjobs', 'horizontalpodautoscalers']) assert.match(resources, new RegExp(`^${r}\\s`, 'm'));
      const versions = k('api-versions');
      for (const gv of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v2', 'rbac.authorization.k8s.io/v1']) assert.match(versions, new RegExp(`^${gv.replace('/', '\\/')}$`, 'm'));
    });

    test('create from literals, get in every output format', () => {
      k('create', 'configmap', 'literal', '-n', ns, '--from-literal=a=1', '--from-literal=b=2');
      k('create', 'secret', 'generic', 'creds', '-n', ns, '--from-literal=password=hunter2');
      k('create', 'deployment', 'api', '-n', ns, '--image=busybox', '--replicas=3');
      const cm = json('get', 'configmap', 'literal', '-n', ns);
      assert.deepEqual(cm.data, { a: '1', b: '2' });
      assert.ok(cm.metadata.uid && cm.metadata.resourceVersion && cm.metadata.creationTimestamp);
      const secret = json('get', 'secret', 'creds', '-n', ns);
      assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'hunter2');
      assert.equal(secret.type, 'Opaque');
      assert.match(k('get', 'deployment', 'api', '-n', ns, '-o', 'yaml'), /replicas: 3/);
      assert.equal(k('get', 'deployment', 'api', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'busybox');
      const table = k('get', 'configmaps', '-n', ns);
      assert.match(table, /^NAME\s+DATA\s+AGE/m);
      assert.match(table, /^literal\s+2\s+\d+s/m);
      assert.match(k('get', 'deployments', '-n', ns, '-o', 'wide'), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/m);
      const dup = kTry('create', 'configmap', 'literal', '-n', ns, '--from-literal=a=1');
      assert.notEqual(dup.code, 0);
      assert.match(dup.stderr, /AlreadyExists|already exists/);
    });

    test('labels, annotations, selectors, all namespaces', () => {
      k('create', 'configmap', 'sel-a', '-n', ns, '--from-literal=x=1');
      k('create', 'configmap', 'sel-b', '-n', ns, '--from-literal=x=1');
      k('label', 'configmap', 'sel-a', '-n', ns, 'team=blue', 'env=prod');
      k('label', 'configmap', 'sel-b', '-n', ns, 'team=red');
      k('annotate', 'configmap', 'sel-a', '-n', ns, 'owner=alice');
      assert.equal(k('get', 'cm', '-n', ns, '-l', 'team=blue', '-o', 'name').trim(), 'configmap/sel-a');
      assert.equal(k('get', 'cm', '-n', ns, '-l', 'team in (blue,red),env!=prod', '-o', 'name').trim(), 'configmap/sel-b');
      assert.equal(k('get', 'cm', '-n', ns, '--field-selector', 'metadata.name=sel-b', '-o', 'name').trim(), 'configmap/sel-b');
      assert.equal(k('get', 'cm', 'sel-a', '-n', ns, '-o', 'jsonpath={.metadata.annotations.owner}'), 'alice');
      k('label', 'configmap', 'sel-a', '-n', ns, 'env-');
      assert.equal(k('get', 'cm', 'sel-a', '-n', ns, '-o', 'jsonpath={.metadata.labels}'), '{"team":"blue"}');
      assert.match(k('get', 'namespaces'), /^kube-system\s+Active/m);
      assert.match(k('get', 'cm', '-A'), new RegExp(`^${ns}\\s+sel-a\\s`, 'm'));
      const bad = kTry('get', 'cm', '-n', ns, '--field-selector', 'data.x=1');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /field label not supported/);
    });

    test('apply, re-apply removing fields (strategic merge), server-side apply', () => {
      kIn(appManifest(ns, false), 'apply', '-f', '-');
      let d = json('get', 'deployment', 'web', '-n', ns);
      assert.equal(d.spec.replicas, 2);
      assert.equal(d.metadata.labels.tier, 'frontend');
      assert.equal(d.spec.template.spec.containers[0].ports.length, 2);
      // Fields set by someone else survive a re-apply that does not mention them.
      k('annotate', 'deployment', 'web', '-n', ns, 'keep=me');
      kIn(appManifest(ns, true), 'apply', '-f', '-');
      d = json('get', 'deployment', 'web', '-n', ns);
      assert.equal(d.spec.replicas, 3);
      assert.equal(d.metadata.labels.tier, undefined, 'a label removed from the manifest is removed');
      assert.equal(d.metadata.annotations.keep, 'me');
      const web = d.spec.template.spec.containers.find((c: { name: string }) => c.name === 'web');
      assert.equal(web.image, 'busybox:1.36');
      assert.deepEqual(web.ports.map((p: { containerPort: number }) => p.containerPort), [80]);
      assert.deepEqual(web.env, [{ name: 'MODE', value: 'slow' }]);
      assert.deepEqual(d.spec.template.spec.containers.map((c: { name: string }) => c.name), ['web', 'sidecar']);
      assert.equal(json('get', 'configmap', 'settings', '-n', ns).data.mode, 'slow');

      const ssa = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: ${ns}\ndata:\n  owner: one\n`;
      kIn(ssa, 'apply', '--server-side', '--field-manager=one', '-f', '-');
      const conflict = server.kubectl(v, ['apply', '--server-side', '--field-manager=two', '-f', '-'], ssa.replace('owner: one', 'owner: two'));
      assert.notEqual(conflict.code, 0, 'a second manager changing an owned field conflicts');
      assert.match(conflict.stderr, /conflict/i);
      kIn(ssa.replace('owner: one', 'owner: two'), 'apply', '--server-side', '--field-manager=two', '--force-conflicts', '-f', '-');
      const cm = json('get', 'configmap', 'ssa', '-n', ns, '--show-managed-fields');
      assert.equal(cm.data.owner, 'two');
      assert.ok(cm.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'two' && m.operation === 'Apply'));
    });

    test('scale, edit, describe, diff, patch status, wait, delete', () => {
      k('create', 'deployment', 'scaled', '-n', ns, '--image=busybox');
      k('scale', 'deployment', 'scaled', '-n', ns, '--replicas=5');
      assert.equal(k('get', 'deploy', 'scaled', '-n', ns, '-o', 'jsonpath={.spec.replicas}'), '5');
      const gen = json('get', 'deploy', 'scaled', '-n', ns).metadata.generation;
      assert.equal(gen, 2, 'scaling changes the spec: generation counts it');

      k('create', 'configmap', 'edited', '-n', ns, '--from-literal=color=red');
      const edit = server.kubectl(v, ['edit', 'configmap', 'edited', '-n', ns], undefined, { KUBE_EDITOR: 'sed -i s/red/blue/' });
      assert.equal(edit.code, 0, edit.stderr);
      assert.equal(json('get', 'configmap', 'edited', '-n', ns).data.color, 'blue');

      assert.match(k('describe', 'deployment', 'scaled', '-n', ns), /Replicas:\s+5 desired/);

      const changed = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited\n  namespace: ${ns}\ndata:\n  color: green\n`;
      const diff = server.kubectl(v, ['diff', '-f', '-'], changed);
      assert.equal(diff.code, 1, `diff exits 1 when there are differences: ${diff.stderr}`);
      assert.match(diff.stdout, /-\s+color: blue/);
      assert.match(diff.stdout, /\+\s+color: green/);

      const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: waiter\n  namespace: ${ns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n`;
      kIn(pod, 'create', '-f', '-');
      k('patch', 'pod', 'waiter', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}');
      assert.match(k('wait', '--for=condition=Ready', 'pod/waiter', '-n', ns, '--timeout=20s'), /condition met/);

      k('label', 'configmap', 'edited', '-n', ns, 'doomed=yes');
      k('delete', 'configmap', '-n', ns, '-l', 'doomed=yes');
      assert.equal(k('get', 'configmap', '-n', ns, '-l', 'doomed=yes', '-o', 'name').trim(), '');
      k('delete', 'pod', 'waiter', '-n', ns, '--grace-period=0', '--force');
      assert.notEqual(kTry('get', 'pod', 'waiter', '-n', ns).code, 0);
    });

    test('get --watch sees new objects', async () => {
      const proc = spawn(kubectlPath(v), ['--kubeconfig', server.kubeconfig, 'get', 'configmaps', '-n', ns, '--watch', '-o', 'name'], { env: { ...process.env, KUBECACHEDIR: `${server.dataDir}/kubectl-cache` } });
      let out = '';
      proc.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      try {
        await waitFor(() => out.includes('configmap/literal'), 15_000);
        k('create', 'configmap', 'watched', '-n', ns, '--from-literal=a=b');
        await waitFor(() => out.includes('configmap/watched'), 15_000);
      } finally {
        proc.kill();
      }
    });

    test('explain and auth whoami', () => {
      assert.match(k('explain', 'deployment.spec.replicas'), /replicas/);
      assert.match(k('explain', 'pods.spec.containers'), /image/);
      assert.match(k('auth', 'whoami'), /admin/);
    });

    test('service accounts: a default one per namespace, and tokens that authenticate as it', async () => {
      const deadline = Date.now() + 30_000;
      while (kTry('get', 'serviceaccount', 'default', '-n', ns).code !== 0) {
        if (Date.now() > deadline) assert.fail('no default service account appeared');
        await new Promise((r) => setTimeout(r, 200));
      }
      const token = k('create', 'token', 'default', '-n', ns).trim();
      assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      // A kubeconfig holding only the token: with a client certificate too, the certificate would win.
      const kc = parse(readFileSync(server.kubeconfig, 'utf8'));
      const tokenConfig = join(server.dataDir, `token-${v}.yaml`);
      writeKubeconfig(tokenConfig, { server: server.url, caPem: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), token, user: 'sa', cluster: 'k8ts', context: 'sa' });
      const who = server.kubectl(v, ['auth', 'whoami', '--kubeconfig', tokenConfig]);
      assert.equal(who.code, 0, who.stderr);
      assert.match(who.stdout, new RegExp(`system:serviceaccount:${ns}:default`));
    });

    test('resource quotas refuse what exceeds them and report what is used', async () => {
      const qns = `${ns}-quota`;
      k('create', 'namespace', qns);
      k('create', 'quota', 'small', '-n', qns, '--hard=pods=2,count/configmaps=5');
      const podYaml = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${qns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n`;
      kIn(podYaml('p1'), 'create', '-f', '-');
      kIn(podYaml('p2'), 'create', '-f', '-');
      const third = server.kubectl(v, ['create', '-f', '-'], podYaml('p3'));
      assert.notEqual(third.code, 0);
      assert.match(third.stderr, /exceeded quota: small, requested: pods=1, used: pods=2, limited: pods=2/);
      const deadline = Date.now() + 30_000;
      while (!/pods\s+2\s+2/.test(kTry('describe', 'quota', 'small', '-n', qns).stdout)) {
        if (Date.now() > deadline) assert.fail(`quota status never showed 2 pods used:\n${kTry('describe', 'quota', 'small', '-n', qns).stdout}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    });

    test('deleting a namespace deletes what is in it', async () => {
      const doomed = `${ns}-doomed`;
      k('create', 'namespace', doomed);
      k('create', 'configmap', 'inside', '-n', doomed, '--from-literal=a=b');
      k('create', 'deployment', 'inside', '-n', doomed, '--image=busybox');
      k('delete', 'namespace', doomed, '--timeout=60s');
      assert.notEqual(kTry('get', 'namespace', doomed).code, 0);
      assert.equal(k('get', 'configmaps', '-A', '--field-selector', `metadata.namespace=${doomed}`, '-o', 'name').trim(), '');
    });
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
