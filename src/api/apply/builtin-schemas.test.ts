// Patching and apply against the real built-in Pod and Deployment schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSchemas } from '../schema/index.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';
import type { SchemaContext } from '../patch/schema-walk.js';
import type { JsonObject } from '../patch/json.js';
import { serverSideApply } from './server-side-apply.js';
import { updateManagedFields } from './update-managed-fields.js';
import { ApplyConflictError } from './errors.js';

function ctx(group: string, version: string, kind: string): SchemaContext {
  const definition = builtinSchemas.definitionFor({ group, version, kind });
  assert.ok(definition, `no schema for ${kind}`);
  return { source: builtinSchemas, definition };
}
const podCtx = ctx('', 'v1', 'Pod');
const deploymentCtx = ctx('apps', 'v1', 'Deployment');
const now = new Date('2026-02-02T10:00:00Z');

const pod = (image: string, ports: JsonObject[], labels: Record<string, string>): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels },
  spec: { containers: [{ name: 'web', image, ports }, { name: 'sidecar', image: 'busybox' }] },
});

test('kubectl apply (client-side) second-apply patch on a real Pod', () => {
  const live = pod('nginx:1', [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }], { app: 'web', tier: 'x' });
  const patch = {
    metadata: { labels: { tier: null } },
    spec: {
      '$setElementOrder/containers': [{ name: 'web' }],
      containers: [
        { '$setElementOrder/ports': [{ containerPort: 80 }], image: 'nginx:2', name: 'web', ports: [{ $patch: 'delete', containerPort: 443 }] },
        { $patch: 'delete', name: 'sidecar' },
      ],
    },
  };
  const out = applyStrategicMergePatch(live, patch, podCtx);
  assert.deepEqual(out.metadata, { name: 'p', namespace: 'default', labels: { app: 'web' } });
  assert.deepEqual((out.spec as JsonObject).containers, [{ name: 'web', image: 'nginx:2', ports: [{ containerPort: 80, protocol: 'TCP' }] }]);
});

test('strategic merge on a real Deployment merges env by name', () => {
  const live = {
    spec: { selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] } } },
  };
  const out = applyStrategicMergePatch(live, { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'B', value: '3' }] }] } } } }, deploymentCtx);
  const env = (((((out.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0].env) as JsonObject[];
  assert.deepEqual(env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }]);
});

test('server-side apply over a client-side-applied Pod conflicts as kube reports it', () => {
  const created = updateManagedFields({
    old: undefined,
    updated: pod('nginx:1', [{ containerPort: 80, protocol: 'TCP' }], { app: 'web' }),
    manager: 'kubectl-client-side-apply',
    apiVersion: 'v1',
    now,
    schemaCtx: podCtx,
  }).object;
  const entry = ((created.metadata as JsonObject).managedFields as JsonObject[])[0] as unknown as { fieldsV1: Record<string, Record<string, Record<string, unknown>>> };
  assert.deepEqual(Object.keys(entry.fieldsV1['f:spec']['f:containers']), ['k:{"name":"sidecar"}', 'k:{"name":"web"}']);

  const applied = pod('nginx:2', [{ containerPort: 80, protocol: 'TCP' }], { app: 'web' });
  assert.throws(() => serverSideApply({ live: created, applied, manager: 'kubectl', schemaCtx: podCtx, now }), (err: unknown) => {
    assert.ok(err instanceof ApplyConflictError);
    assert.deepEqual(err.causes(), [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.spec.containers[name="web"].image' },
    ]);
    return true;
  });
  const forced = serverSideApply({ live: created, applied, manager: 'kubectl', schemaCtx: podCtx, now, force: true });
  const containers = (forced.object.spec as JsonObject).containers as JsonObject[];
  assert.equal(containers[0].image, 'nginx:2');
  assert.deepEqual(forced.managedFields.map((e) => `${e.manager}/${e.operation}`), ['kubectl/Apply', 'kubectl-client-side-apply/Update']);
});

test('server-side apply of a real Deployment: keyed ports, atomic selector, dropped container', () => {
  const manifest = (containers: JsonObject[]): JsonObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers } } },
  });
  const first = serverSideApply({
    live: undefined,
    applied: manifest([{ name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'TCP' }] }, { name: 'b', image: 'y' }]),
    manager: 'kubectl',
    schemaCtx: deploymentCtx,
    now,
  });
  const f = first.managedFields[0].fieldsV1;
  assert.deepEqual(f['f:spec']['f:selector'], {});
  assert.deepEqual(f['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"a"}']['f:ports'], { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } });
  const second = serverSideApply({ live: first.object, applied: manifest([{ name: 'a', image: 'x2' }]), manager: 'kubectl', schemaCtx: deploymentCtx, now });
  const containers = (((second.object.spec as JsonObject).template as JsonObject).spec as JsonObject).containers;
  assert.deepEqual(containers, [{ name: 'a', image: 'x2' }]);
});
