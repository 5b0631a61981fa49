import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../client/rest-client.js';
import { coreResources, FakeApiServer } from '../client/testing/fake-apiserver.js';
import { containerEnv, EnvError, type EnvContext } from './env.js';
import { envVarName, podServiceEnv, ServiceEnvSource, serviceLinkEnv, type LinkedService } from './service-env.js';
import { FakeNode } from './testing/fake-node.js';
import type { Pod } from './types.js';

const svc = (ns: string, name: string, spec: LinkedService['spec']): LinkedService => ({ metadata: { namespace: ns, name }, spec });
const pod = (ns: string, extra: Partial<Pod['spec']> = {}): Pod => ({ metadata: { namespace: ns, name: 'p', uid: 'u' }, spec: { containers: [{ name: 'c' }], ...extra } });

test('a service gives _SERVICE_HOST/_PORT, named ports and the docker-link variables', () => {
  const env = serviceLinkEnv([svc('default', 'redis-master', {
    clusterIP: '10.43.0.11',
    ports: [{ name: 'db', port: 6379, protocol: 'TCP' }, { name: 'metrics-udp', port: 9100, protocol: 'UDP' }],
  })]);
  assert.deepEqual(env, {
    REDIS_MASTER_SERVICE_HOST: '10.43.0.11',
    REDIS_MASTER_SERVICE_PORT: '6379',
    REDIS_MASTER_SERVICE_PORT_DB: '6379',
    REDIS_MASTER_SERVICE_PORT_METRICS_UDP: '9100',
    REDIS_MASTER_PORT: 'tcp://10.43.0.11:6379',
    REDIS_MASTER_PORT_6379_TCP: 'tcp://10.43.0.11:6379',
    REDIS_MASTER_PORT_6379_TCP_PROTO: 'tcp',
    REDIS_MASTER_PORT_6379_TCP_PORT: '6379',
    REDIS_MASTER_PORT_6379_TCP_ADDR: '10.43.0.11',
    REDIS_MASTER_PORT_9100_UDP: 'udp://10.43.0.11:9100',
    REDIS_MASTER_PORT_9100_UDP_PROTO: 'udp',
    REDIS_MASTER_PORT_9100_UDP_PORT: '9100',
    REDIS_MASTER_PORT_9100_UDP_ADDR: '10.43.0.11',
  });
  assert.equal(envVarName('a-b-c'), 'A_B_C');
  // An unnamed single port: no _SERVICE_PORT_<NAME>; protocol defaults to TCP.
  assert.deepEqual(Object.keys(serviceLinkEnv([svc('x', 'web', { clusterIP: '10.43.0.5', ports: [{ port: 80 }] })])).sort(), [
    'WEB_PORT', 'WEB_PORT_80_TCP', 'WEB_PORT_80_TCP_ADDR', 'WEB_PORT_80_TCP_PORT', 'WEB_PORT_80_TCP_PROTO', 'WEB_SERVICE_HOST', 'WEB_SERVICE_PORT',
  ]);
});

test('only services with a cluster IP in the pod\'s namespace, plus default/kubernetes; enableServiceLinks false keeps only kubernetes', () => {
  const all = [
    svc('default', 'kubernetes', { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443 }] }),
    svc('default', 'other', { clusterIP: '10.43.0.2', ports: [{ port: 80 }] }),
    svc('prod', 'web', { clusterIP: '10.43.0.3', ports: [{ port: 80 }] }),
    svc('prod', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
    svc('prod', 'ext', { type: 'ExternalName', ports: [{ port: 80 }] }),
  ];
  const env = podServiceEnv(pod('prod'), all);
  assert.equal(env.WEB_SERVICE_HOST, '10.43.0.3');
  assert.equal(env.KUBERNETES_SERVICE_HOST, '10.43.0.1');
  assert.equal(env.KUBERNETES_SERVICE_PORT_HTTPS, '443');
  assert.equal(env.OTHER_SERVICE_HOST, undefined, 'other namespaces stay out');
  assert.equal(env.HEADLESS_SERVICE_HOST, undefined);
  assert.equal(env.EXT_SERVICE_HOST, undefined);
  assert.deepEqual(Object.keys(podServiceEnv(pod('prod', { enableServiceLinks: false }), all)).filter((k) => !k.startsWith('KUBERNETES_')), []);
  assert.equal(podServiceEnv(pod('prod', { enableServiceLinks: false }), all).KUBERNETES_SERVICE_HOST, '10.43.0.1');
  // In default itself every service of the namespace is linked.
  assert.equal(podServiceEnv(pod('default'), all).OTHER_SERVICE_HOST, '10.43.0.2');
  // A `kubernetes` service of the pod's own namespace shadows the master one.
  const shadow = podServiceEnv(pod('prod'), [...all, svc('prod', 'kubernetes', { clusterIP: '10.43.0.9', ports: [{ port: 8443 }] })]);
  assert.equal(shadow.KUBERNETES_SERVICE_HOST, '10.43.0.9');
});

test('service variables are the lowest precedence and can be referenced with $(VAR)', async () => {
  const ctx: EnvContext = {
    pod: pod('prod'), podIPs: ['10.42.0.5'], hostIPs: ['192.0.2.1'],
    nodeAllocatable: { cpu: 1, memory: 1, 'ephemeral-storage': 0 },
    serviceEnv: { KUBERNETES_SERVICE_HOST: 'fixed', KUBERNETES_SERVICE_PORT: '443' },
    sources: {
      configMap: async () => ({ WEB_SERVICE_PORT: 'from-configmap' }),
      secret: async () => null,
      serviceEnv: async () => ({ WEB_SERVICE_HOST: '10.43.0.3', WEB_SERVICE_PORT: '80', WEB_PORT: 'tcp://10.43.0.3:80', KUBERNETES_SERVICE_HOST: '10.43.0.1' }),
    },
  };
  const m = Object.fromEntries((await containerEnv(ctx, {
    name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }],
    env: [{ name: 'WEB_PORT', value: 'mine' }, { name: 'URL', value: 'http://$(WEB_SERVICE_HOST)/' }],
  })).map((e) => [e.key, e.value]));
  assert.equal(m.WEB_SERVICE_HOST, '10.43.0.3');
  assert.equal(m.WEB_SERVICE_PORT, 'from-configmap', 'envFrom overrides');
  assert.equal(m.WEB_PORT, 'mine', 'env overrides');
  assert.equal(m.URL, 'http://10.43.0.3/');
  assert.equal(m.KUBERNETES_SERVICE_HOST, '10.43.0.1', 'the live service wins over the fixed value');
  assert.equal(m.KUBERNETES_SERVICE_PORT, '443');
});

test('ServiceEnvSource follows the API\'s services; before its first list it refuses', async (t) => {
  const resources = [...coreResources, { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true }];
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const src = new ServiceEnvSource({ client, syncTimeoutMs: 50 });
  t.after(async () => {
    await src.stop();
    client.close();
    await fake.stop();
  });
  await assert.rejects(src.envFor(pod('prod')), EnvError, 'not started: no list, no variables');
  fake.put('services', { metadata: { namespace: 'prod', name: 'web' }, spec: { clusterIP: '10.43.0.3', ports: [{ port: 80 }] } });
  src.start();
  assert.equal((await src.envFor(pod('prod'))).WEB_SERVICE_HOST, '10.43.0.3');
  fake.put('services', { metadata: { namespace: 'prod', name: 'db' }, spec: { clusterIP: '10.43.0.4', ports: [{ port: 5432 }] } });
  const deadline = Date.now() + 5000;
  while (!(await src.envFor(pod('prod'))).DB_SERVICE_HOST && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await src.envFor(pod('prod'))).DB_SERVICE_PORT, '5432');
});

test('the kubelet starts containers with the variables of the services it has seen', async (t) => {
  const n = new FakeNode();
  t.after(() => n.stop());
  const envs = new Map<string, Record<string, string>>();
  const create = n.runtime.createContainer.bind(n.runtime);
  n.runtime.createContainer = async (sb, config, sbc) => {
    envs.set(config.metadata.name, Object.fromEntries((config.envs ?? []).map((e) => [e.key, e.value])));
    return create(sb, config, sbc);
  };
  n.api.put('services', { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80 }] } });
  await n.start();
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', command: ['sleep'], env: [{ name: 'WEB_PORT', value: 'own' }] }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running');
  const env = envs.get('c')!;
  assert.equal(env.WEB_SERVICE_HOST, '10.43.0.20');
  assert.equal(env.WEB_SERVICE_PORT_HTTP, '80');
  assert.equal(env.WEB_PORT_80_TCP_ADDR, '10.43.0.20');
  assert.equal(env.WEB_PORT, 'own');
  n.addPod({ spec: { enableServiceLinks: false, containers: [{ name: 'quiet', image: 'busybox:1', command: ['sleep'] }] } }, 'q');
  await n.waitFor('Running', (s) => s.phase === 'Running', 'q');
  assert.equal(envs.get('quiet')!.WEB_SERVICE_HOST, undefined);
});
