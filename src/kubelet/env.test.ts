import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, EnvError, expand, type EnvContext } from './env.js';
import type { ContainerSpec, Pod } from './types.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'prod', uid: 'u-1', labels: { app: 'web', tier: 'fe' }, annotations: { note: 'n' } },
  spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [{ name: 'c', resources: { limits: { cpu: '250m', memory: '64Mi' } } }] },
};

function ctx(data: Record<string, Record<string, string>> = {}): EnvContext {
  return {
    pod, podIPs: ['10.42.0.5'], hostIPs: ['192.0.2.1'],
    nodeAllocatable: { cpu: 8, memory: 16 * 2 ** 30, 'ephemeral-storage': 0 },
    sources: {
      configMap: async (_ns, n) => data[`cm/${n}`] ?? null,
      secret: async (_ns, n) => data[`secret/${n}`] ?? null,
    },
  };
}

test('$(VAR) expansion: defined names expand, $$ escapes, unknown references stay', () => {
  const vars = new Map([['A', 'x'], ['B', 'y']]);
  const look = (n: string) => vars.get(n);
  assert.equal(expand('$(A)-$(B)', look), 'x-y');
  assert.equal(expand('$$(A)', look), '$(A)');
  assert.equal(expand('$(NOPE) $A $(A', look), '$(NOPE) $A $(A');
  assert.equal(expand('cost $5', look), 'cost $5');
});

test('env: envFrom with prefix, then env in order with expansion against earlier values', async () => {
  const c: ContainerSpec = {
    name: 'c',
    envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'sec' } }],
    env: [
      { name: 'URL', value: 'http://$(CFG_host):$(PORT)' },
      { name: 'PORT', value: '80' },
      { name: 'URL2', value: 'http://$(CFG_host):$(PORT)' },
      { name: 'TOKEN', value: 'override' },
    ],
  };
  const env = await containerEnv(ctx({ 'cm/cfg': { host: 'db' }, 'secret/sec': { TOKEN: 's3cret', OTHER: 'o' } }), c);
  const m = Object.fromEntries(env.map((e) => [e.key, e.value]));
  assert.equal(m.CFG_host, 'db');
  assert.equal(m.URL, 'http://db:$(PORT)'); // PORT was not defined yet
  assert.equal(m.URL2, 'http://db:80');
  assert.equal(m.TOKEN, 'override');
  assert.equal(m.OTHER, 'o');
});

test('env: fieldRef and resourceFieldRef values', async () => {
  const c: ContainerSpec = {
    name: 'c', resources: { limits: { cpu: '250m', memory: '64Mi' } },
    env: [
      { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'LABELS', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'REQ_MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
    ],
  };
  const m = Object.fromEntries((await containerEnv(ctx(), c)).map((e) => [e.key, e.value]));
  assert.deepEqual(m, {
    NAME: 'web', NS: 'prod', APP: 'web', LABELS: 'app="web"\ntier="fe"', IP: '10.42.0.5', HOST: '192.0.2.1', NODE: 'n1',
    CPU: '1', CPU_M: '250', MEM_MI: '64', REQ_MEM: String(64 * 2 ** 20),
  });
});

test('env: a missing key or object fails unless optional', async () => {
  const data = { 'cm/cfg': { a: '1' } };
  await assert.rejects(containerEnv(ctx(data), { name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'b' } } }] }), EnvError);
  await assert.rejects(containerEnv(ctx(data), { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'b' } } }] }), /secret "nope" not found/);
  await assert.rejects(containerEnv(ctx(data), { name: 'c', envFrom: [{ configMapRef: { name: 'nope' } }] }), EnvError);
  const ok = await containerEnv(ctx(data), {
    name: 'c',
    envFrom: [{ configMapRef: { name: 'nope', optional: true } }],
    env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'b', optional: true } } }, { name: 'Y', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }],
  });
  assert.deepEqual(ok, [{ key: 'Y', value: '1' }]);
});
