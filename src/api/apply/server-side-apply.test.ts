import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSideApply } from './server-side-apply.js';
import { updateManagedFields } from './update-managed-fields.js';
import { ApplyConflictError, ApplyError } from './errors.js';
import { FieldSet } from './fieldset.js';
import { deploymentCtx } from '../patch/test-schemas.js';
import type { JsonObject } from '../patch/json.js';
import type { ManagedFieldsEntry } from './managed-fields.js';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T00:01:00Z');

function manifest(opts: { image?: string; replicas?: number; labels?: Record<string, string>; containers?: JsonObject[] } = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: opts.labels ?? { app: 'web', tier: 'front' } },
    spec: {
      ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }),
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: opts.containers ?? [{ name: 'web', image: opts.image ?? 'nginx:1', ports: [{ containerPort: 80 }, { containerPort: 8080 }] }] },
      },
    },
  };
}

const apply = (live: JsonObject | undefined, applied: JsonObject, manager = 'kubectl', extra: { force?: boolean; now?: Date } = {}) =>
  serverSideApply({ live, applied, manager, schemaCtx: deploymentCtx, now: extra.now ?? t0, force: extra.force });

const entries = (obj: JsonObject) => (obj.metadata as JsonObject).managedFields as unknown as ManagedFieldsEntry[];
const containers = (obj: JsonObject) => (((obj.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];

test('apply creates the object and records an Apply entry', () => {
  const r = apply(undefined, manifest({ replicas: 2 }));
  assert.equal(r.changed, true);
  assert.equal((r.object.spec as JsonObject).replicas, 2);
  assert.deepEqual(r.managedFields, entries(r.object));
  assert.equal(r.managedFields.length, 1);
  const [e] = r.managedFields;
  assert.deepEqual({ ...e, fieldsV1: undefined }, { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: undefined });
  assert.deepEqual(e.fieldsV1['f:metadata'], { 'f:labels': { 'f:app': {}, 'f:tier': {} } });
  assert.deepEqual(Object.keys(e.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']), ['.', 'f:image', 'f:name', 'f:ports']);
});

test('re-applying changes values and removes what is no longer applied', () => {
  const first = apply(undefined, manifest({ replicas: 2 })).object;
  const second = apply(first, manifest({ image: 'nginx:2', labels: { app: 'web' }, containers: [{ name: 'web', image: 'nginx:2', ports: [{ containerPort: 80 }] }] }), 'kubectl', { now: t1 });
  assert.deepEqual((second.object.metadata as JsonObject).labels, { app: 'web' });
  assert.equal((second.object.spec as JsonObject).replicas, undefined); // no longer applied, nobody else owns it
  assert.deepEqual(containers(second.object), [{ name: 'web', image: 'nginx:2', ports: [{ containerPort: 80 }] }]);
  assert.equal(second.managedFields[0].time, '2026-01-01T00:01:00Z');
  assert.equal(second.managedFields[0].fieldsV1['f:spec']['f:replicas'], undefined);
});

test('a no-op apply changes nothing and keeps the entry time', () => {
  const first = apply(undefined, manifest()).object;
  const again = apply(first, manifest(), 'kubectl', { now: t1 });
  assert.equal(again.changed, false);
  assert.deepEqual(again.object, first);
});

test('changing a field another manager owns is a conflict, reported as kube reports it', () => {
  // Created with client-side apply, then server-side applied with a different value.
  const created = updateManagedFields({ old: undefined, updated: manifest({ replicas: 2 }), manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: t0, schemaCtx: deploymentCtx }).object;
  assert.throws(() => apply(created, manifest({ replicas: 3 })), (err: unknown) => {
    assert.ok(err instanceof ApplyConflictError);
    assert.equal(err.name, 'ApplyConflictError');
    assert.equal(err.status, 409);
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(err.causes(), [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
    return true;
  });
});

test('applying the same value as another manager shares ownership', () => {
  const created = updateManagedFields({ old: undefined, updated: manifest({ replicas: 2 }), manager: 'kubectl-create', apiVersion: 'apps/v1', now: t0, schemaCtx: deploymentCtx }).object;
  const r = apply(created, manifest({ replicas: 2 }));
  const byManager = Object.fromEntries(r.managedFields.map((e) => [e.manager, e]));
  assert.deepEqual(byManager['kubectl'].fieldsV1['f:spec']['f:replicas'], {});
  assert.deepEqual(byManager['kubectl-create'].fieldsV1['f:spec']['f:replicas'], {});
  assert.equal(r.managedFields[0].operation, 'Apply'); // Apply entries come first
  // Dropping the shared field from the configuration leaves it in place: kubectl-create still owns it.
  const dropped = apply(r.object, manifest({}));
  assert.equal((dropped.object.spec as JsonObject).replicas, 2);
});

test('force takes ownership from the other manager', () => {
  const created = updateManagedFields({ old: undefined, updated: manifest({ replicas: 2 }), manager: 'kubectl-edit', apiVersion: 'apps/v1', now: t0, schemaCtx: deploymentCtx }).object;
  const r = apply(created, manifest({ replicas: 5, image: 'nginx:9' }), 'kubectl', { force: true });
  assert.equal((r.object.spec as JsonObject).replicas, 5);
  assert.equal(containers(r.object)[0].image, 'nginx:9');
  const edit = r.managedFields.find((e) => e.manager === 'kubectl-edit') as ManagedFieldsEntry;
  assert.equal(edit.fieldsV1['f:spec']['f:replicas'], undefined);
  assert.equal(edit.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:image'], undefined);
  // Fields kubectl-edit set to the same value stay shared.
  assert.deepEqual(edit.fieldsV1['f:metadata']['f:labels']['f:app'], {});
});

test('conflicts between two appliers, several at once', () => {
  const a = apply(undefined, manifest({ replicas: 1 }), 'alpha').object;
  assert.throws(() => apply(a, manifest({ replicas: 2, image: 'other' }), 'beta'), (err: unknown) => {
    assert.ok(err instanceof ApplyConflictError);
    assert.deepEqual(err.conflicts.map((c) => c.field), ['.spec.replicas', '.spec.template.spec.containers[name="web"].image']);
    assert.equal(err.message, 'Apply failed with 2 conflicts: conflicts with "alpha":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image');
    assert.equal(err.causes()[0].message, 'conflict with "alpha"');
    return true;
  });
});

test('fields set by controllers survive an apply that does not mention them', () => {
  const created = apply(undefined, manifest()).object;
  const scaled = updateManagedFields({
    old: created,
    updated: { ...created, metadata: { ...(created.metadata as JsonObject), annotations: { 'deployment.kubernetes.io/revision': '1' } } },
    manager: 'kube-controller-manager',
    apiVersion: 'apps/v1',
    now: t0,
    schemaCtx: deploymentCtx,
  }).object;
  const r = apply(scaled, manifest({ image: 'nginx:2' }));
  assert.deepEqual((r.object.metadata as JsonObject).annotations, { 'deployment.kubernetes.io/revision': '1' });
  assert.equal(r.managedFields.length, 2);
});

test('keyed list items: applied order for shared items, live-only items keep their place', () => {
  const live: JsonObject = { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'x', image: 'injected' }] } } } };
  const r = serverSideApply({ live, applied: { spec: { template: { spec: { containers: [{ name: 'b' }, { name: 'a' }] } } } }, manager: 'm', schemaCtx: deploymentCtx, now: t0 });
  assert.deepEqual(containers(r.object).map((c) => c.name), ['b', 'x', 'a']);
  const added = serverSideApply({ live, applied: { spec: { template: { spec: { containers: [{ name: 'n' }, { name: 'a', image: 'i' }] } } } }, manager: 'm', schemaCtx: deploymentCtx, now: t0 });
  assert.deepEqual(containers(added.object).map((c) => c.name), ['n', 'a', 'b', 'x']);
});

test('sets, atomic lists and granular maps merge as typed', () => {
  const live = { metadata: { finalizers: ['a'], labels: { x: '1' } }, spec: { template: { spec: { containers: [{ name: 'w', args: ['1', '2'] }], nodeSelector: { a: 'b' } } } } };
  const r = serverSideApply({
    live,
    applied: { metadata: { finalizers: ['b'], labels: { y: '2' } }, spec: { template: { spec: { containers: [{ name: 'w', args: ['3'] }], nodeSelector: { c: 'd' } } } } },
    manager: 'm',
    schemaCtx: deploymentCtx,
    now: t0,
    force: true, // the untracked live object's fields belong to before-first-apply
  });
  assert.deepEqual(r.object.metadata, { finalizers: ['a', 'b'], labels: { x: '1', y: '2' }, managedFields: r.managedFields as unknown as JsonObject[] });
  const spec = ((r.object.spec as JsonObject).template as JsonObject).spec as JsonObject;
  assert.deepEqual(spec.nodeSelector, { c: 'd' });
  assert.deepEqual(containers(r.object)[0].args, ['3']);
});

test('ignored fields (status on the main resource) are never owned', () => {
  const r = serverSideApply({ live: undefined, applied: { ...manifest(), status: { replicas: 3 } }, manager: 'm', schemaCtx: deploymentCtx, now: t0, ignoredFields: FieldSet.of([['f:status']]) });
  assert.equal(r.managedFields[0].fieldsV1['f:status'], undefined);
});

test('bad apply requests', () => {
  assert.throws(() => apply(undefined, { metadata: { managedFields: [] } }), (e: unknown) => e instanceof ApplyError && e.status === 400 && /managedFields must be nil/.test(e.message));
  assert.throws(() => apply(undefined, manifest({ containers: [{ name: 'a' }, { name: 'a' }] })), (e: unknown) => e instanceof ApplyError && e.status === 422);
});

test('apply leaves its inputs alone', () => {
  const live = apply(undefined, manifest({ replicas: 1 })).object;
  const snapshot = structuredClone(live);
  const applied = manifest({ replicas: 4 });
  const appliedSnapshot = structuredClone(applied);
  apply(live, applied, 'kubectl', { force: true });
  assert.deepEqual(live, snapshot);
  assert.deepEqual(applied, appliedSnapshot);
});

test('lists and maps emptied by apply disappear, as omitempty fields do in kube', () => {
  const first = apply(undefined, manifest({ labels: { a: 'b' } })).object;
  const applied = manifest({ labels: {}, containers: [{ name: 'web', image: 'nginx:1' }] });
  delete (applied.metadata as JsonObject).labels;
  const r = apply(first, applied);
  assert.equal('labels' in (r.object.metadata as JsonObject), false);
  assert.equal('ports' in containers(r.object)[0], false);
});

test('the first apply to an untracked object conflicts with before-first-apply', () => {
  const live: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1 } };
  assert.throws(() => apply(live, { ...live, spec: { replicas: 2 } }), (e: unknown) => {
    assert.ok(e instanceof ApplyConflictError);
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
    return true;
  });
  const same = apply(live, { ...live, metadata: { name: 'web', labels: { a: 'b' } } });
  assert.deepEqual(same.managedFields.map((e) => e.manager), ['kubectl', 'before-first-apply']);
});

test('an item another manager still co-owns keeps its key fields when the applier drops it', () => {
  const first = apply(undefined, manifest({ containers: [{ name: 'web', image: 'a' }, { name: 'side', image: 'b' }] })).object;
  // A controller sets a field inside the "side" container.
  const touched = structuredClone(first);
  containers(touched)[1].terminationMessagePath = '/x';
  const withCtl = updateManagedFields({ old: first, updated: touched, manager: 'ctl', apiVersion: 'apps/v1', now: t0, schemaCtx: deploymentCtx }).object;
  const r = apply(withCtl, manifest({ containers: [{ name: 'web', image: 'a' }] }));
  assert.deepEqual(containers(r.object), [{ name: 'web', image: 'a' }, { name: 'side', terminationMessagePath: '/x' }]);
});
