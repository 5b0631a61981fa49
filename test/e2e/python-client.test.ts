// Debian's python3-kubernetes against k8ts: the client library many operators and
// scripts use, with its own kubeconfig loader, models and watch.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TestServer } from './harness.js';

// Debian's package installs for Debian's interpreter, not for any other python3 on PATH.
const python = '/usr/bin/python3';
const hasClient = existsSync(python) && spawnSync(python, ['-c', 'import kubernetes'], { stdio: 'ignore' }).status === 0;

const script = String.raw`
import json, sys
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
out = {}
out['namespaces'] = sorted(n.metadata.name for n in v1.list_namespace().items)
cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name='py-cm', labels={'from': 'python'}), data={'a': '1'})
created = v1.create_namespaced_config_map('default', cm)
out['created_rv'] = created.metadata.resource_version
patched = v1.patch_namespaced_config_map('py-cm', 'default', {'data': {'b': '2'}})
out['patched_data'] = patched.data
out['selected'] = [c.metadata.name for c in v1.list_namespaced_config_map('default', label_selector='from=python').items]
events = []
w = watch.Watch()
for ev in w.stream(v1.list_namespaced_config_map, 'default', label_selector='from=python', resource_version=created.metadata.resource_version, timeout_seconds=5):
    events.append([ev['type'], ev['object'].metadata.name, dict(ev['object'].data or {})])
    w.stop()
out['watch'] = events
try:
    v1.read_namespaced_config_map('absent', 'default')
    out['missing'] = None
except ApiException as e:
    body = json.loads(e.body)
    out['missing'] = [e.status, body['kind'], body['reason']]
v1.delete_namespaced_config_map('py-cm', 'default')
apps = client.AppsV1Api()
dep = client.V1Deployment(
    metadata=client.V1ObjectMeta(name='py-web'),
    spec=client.V1DeploymentSpec(replicas=2, selector=client.V1LabelSelector(match_labels={'app': 'py-web'}),
        template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels={'app': 'py-web'}),
            spec=client.V1PodSpec(containers=[client.V1Container(name='web', image='busybox')]))))
made = apps.create_namespaced_deployment('default', dep)
out['deployment'] = [made.spec.strategy.type, made.spec.template.spec.containers[0].image_pull_policy]
apps.delete_namespaced_deployment('py-web', 'default')
print(json.dumps(out))
`;

describe('python3-kubernetes', { skip: hasClient ? false : 'Debian\'s python3-kubernetes is not installed' }, () => {
  let server: TestServer;
  before(async () => { server = await TestServer.start(); });
  after(async () => { await server?.cleanup(); });

  test('lists, creates, patches, selects, watches, gets a 404 Status and creates a Deployment', () => {
    const r = spawnSync(python, ['-W', 'ignore', '-c', script, server.kubeconfig], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `python client failed:\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(out.namespaces.includes(ns), `namespace ${ns} listed: ${out.namespaces}`);
    assert.match(out.created_rv, /^\d+$/);
    assert.deepEqual(out.patched_data, { a: '1', b: '2' });
    assert.deepEqual(out.selected, ['py-cm']);
    assert.deepEqual(out.watch, [['MODIFIED', 'py-cm', { a: '1', b: '2' }]], 'the watch from the create\'s resourceVersion sees the patch');
    assert.deepEqual(out.missing, [404, 'Status', 'NotFound']);
    assert.deepEqual(out.deployment, ['RollingUpdate', 'Always'], 'defaults applied as Kubernetes does');
  });
});
