import { test } from 'node:test';
import assert from 'node:assert/strict';
import { updateManagedFields } from './update-managed-fields.js';
import { fieldManagerFor } from './field-manager.js';
import { ApplyError } from './errors.js';
import { FieldSet } from './fieldset.js';
import { deploymentCtx } from '../patch/test-schemas.js';
import type { JsonObject } from '../patch/json.js';
import type { FieldsV1 } from './fieldset.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', labels: { app: 'web' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
});

const update = (old: JsonObject | undefined, updated: JsonObject, manager: string, now = t0, extra: { subresource?: string; ignoredFields?: FieldSet } = {}) =>
  updateManagedFields({ old, updated, manager, apiVersion: 'apps/v1', now, schemaCtx: deploymentCtx, ...extra });

const fieldsOf = (r: { managedFields: { manager: string; fieldsV1: FieldsV1 }[] }, manager: string) => r.managedFields.find((e) => e.manager === manager)?.fieldsV1;

test('create records every field the creator set, without server-set metadata', () => {
  const r = update(undefined, deployment(), 'kubectl-create');
  assert.equal(r.managedFields.length, 1);
  assert.equal(r.managedFields[0].operation, 'Update');
  assert.equal(r.managedFields[0].time, '2026-01-01T00:00:00Z');
  assert.deepEqual(r.managedFields[0].fieldsV1, {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
  });
  assert.deepEqual((r.object.metadata as JsonObject).managedFields, r.managedFields as unknown as JsonObject[]);
});

test('an update takes over the fields it changes; removals leave every manager', () => {
  const created = update(undefined, deployment(), 'kubectl-create').object;
  const edited = structuredClone(created);
  (((edited.spec as JsonObject).template as JsonObject).spec as { containers: JsonObject[] }).containers[0].image = 'nginx:2';
  delete ((edited.metadata as JsonObject).labels as JsonObject).app;
  const r = update(created, edited, 'kubectl-edit', t1);
  assert.deepEqual(fieldsOf(r, 'kubectl-edit'), { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } } });
  const create = fieldsOf(r, 'kubectl-create') as FieldsV1;
  assert.equal(create['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:image'], undefined);
  assert.equal(create['f:metadata']['f:labels']['f:app'], undefined);
  // Entries are ordered by time: the older creator first.
  assert.deepEqual(r.managedFields.map((e) => e.manager), ['kubectl-create', 'kubectl-edit']);
});

test('a manager that ends up owning nothing disappears', () => {
  const created = update(undefined, deployment(), 'kubectl-create').object;
  const scaled = update(created, { ...created, spec: { ...(created.spec as JsonObject), replicas: 3 } }, 'kube-controller-manager').object;
  const back = update(scaled, { ...scaled, spec: { ...(scaled.spec as JsonObject), replicas: 1 } }, 'kubectl-scale');
  assert.deepEqual(back.managedFields.map((e) => e.manager).sort(), ['kubectl-create', 'kubectl-scale']);
});

test('sending managedFields: [] resets tracking; omitting it keeps the stored entries', () => {
  const created = update(undefined, deployment(), 'kubectl-create').object;
  const reset = update(created, { ...created, metadata: { ...(created.metadata as JsonObject), managedFields: [] } }, 'kubectl-edit');
  assert.deepEqual(reset.managedFields, []);
  assert.equal((reset.object.metadata as JsonObject).managedFields, undefined);
  const { managedFields: _, ...metaWithout } = created.metadata as JsonObject;
  const kept = update(created, { ...created, metadata: metaWithout, spec: { ...(created.spec as JsonObject), replicas: 2 } }, 'kubectl-edit');
  assert.deepEqual(kept.managedFields.map((e) => e.manager), ['kubectl-create', 'kubectl-edit']);
});

test('subresource writes record the subresource and ignore managedFields in the request', () => {
  const created = update(undefined, deployment(), 'kubectl-create').object;
  const withStatus = { ...created, metadata: { ...(created.metadata as JsonObject), managedFields: [] }, status: { replicas: 1 } };
  const r = update(created, withStatus, 'kube-controller-manager', t1, { subresource: 'status' });
  const entry = r.managedFields.find((e) => e.manager === 'kube-controller-manager');
  assert.equal(entry?.subresource, 'status');
  assert.deepEqual(entry?.fieldsV1, { 'f:status': { 'f:replicas': {} } }); // a struct: no "."
  assert.ok(fieldsOf(r, 'kubectl-create'));
});

test('ignored fields are not owned', () => {
  const r = update(undefined, { ...deployment(), status: { replicas: 1 } }, 'kubectl-create', t0, { ignoredFields: FieldSet.of([['f:status']]) });
  assert.equal(r.managedFields[0].fieldsV1['f:status'], undefined);
});

test('a no-op update keeps the entry time', () => {
  const created = update(undefined, deployment(), 'kubectl-create').object;
  const again = update(created, structuredClone(created), 'kubectl-create', t1);
  assert.equal(again.managedFields[0].time, '2026-01-01T00:00:00Z');
});

test('field manager names', () => {
  assert.equal(fieldManagerFor({ fieldManager: 'kubectl-client-side-apply', userAgent: 'kubectl/v1.30.0' }), 'kubectl-client-side-apply');
  assert.equal(fieldManagerFor({ userAgent: 'kubectl/v1.30.0 (linux/amd64) kubernetes/abcdef' }), 'kubectl');
  assert.equal(fieldManagerFor({ userAgent: 'kube-controller-manager/v1.30.0 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:deployment-controller' }), 'kube-controller-manager');
  assert.equal(fieldManagerFor({ userAgent: 'my\u0007agent' }), 'myagent');
  assert.equal(fieldManagerFor({ userAgent: 'x'.repeat(200) }).length, 128);
  assert.equal(fieldManagerFor({}), '');
  assert.throws(() => fieldManagerFor({ apply: true, userAgent: 'kubectl/v1' }), (e: unknown) => e instanceof ApplyError && e.status === 422 && /is required for apply patch/.test(e.message));
  assert.throws(() => fieldManagerFor({ fieldManager: 'x'.repeat(129) }), /Too long/);
  assert.throws(() => fieldManagerFor({ fieldManager: 'a\nb' }), /printable/);
});

test('clients may rewrite managedFields (kubectl upgrading client-side to server-side apply)', () => {
  const created = update(undefined, deployment(), 'kubectl-client-side-apply').object;
  const entries = (created.metadata as JsonObject).managedFields as JsonObject[];
  const sent = { ...created, metadata: { ...(created.metadata as JsonObject), managedFields: [{ ...entries[0], manager: 'kubectl', operation: 'Apply' }] } };
  const r = update(created, sent, 'kubectl', t1);
  assert.deepEqual(r.managedFields.map((e) => `${e.manager}/${e.operation}`), ['kubectl/Apply']);
  assert.deepEqual(r.managedFields[0].fieldsV1, entries[0].fieldsV1);
});
