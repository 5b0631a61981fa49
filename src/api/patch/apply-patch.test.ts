import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, patchTypeOf, patchContentTypes } from './apply-patch.js';
import { PatchError } from './errors.js';
import { deploymentCtx } from './test-schemas.js';

test('content types map to patch types', () => {
  assert.equal(patchTypeOf('application/json-patch+json'), 'json');
  assert.equal(patchTypeOf('application/merge-patch+json; charset=utf-8'), 'merge');
  assert.equal(patchTypeOf('Application/Strategic-Merge-Patch+JSON'), 'strategic');
  assert.equal(patchTypeOf('application/apply-patch+yaml'), 'apply');
  assert.equal(patchTypeOf('application/json'), undefined);
  assert.equal(patchTypeOf(undefined), undefined);
  assert.equal(patchContentTypes.length, 4);
});

test('dispatches to each patch flavour', () => {
  const live = { metadata: { name: 'a', labels: { x: '1' } }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  assert.deepEqual(applyPatch('json', live, [{ op: 'replace', path: '/metadata/name', value: 'b' }]).metadata, { name: 'b', labels: { x: '1' } });
  assert.deepEqual(applyPatch('merge', live, { metadata: { labels: null } }).metadata, { name: 'a' });
  const smp = applyPatch('strategic', live, { spec: { template: { spec: { containers: [{ name: 'd' }] } } } }, deploymentCtx);
  assert.equal((smp.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.length, 2);
  // The same body as a merge patch replaces the list.
  const mp = applyPatch('merge', live, { spec: { template: { spec: { containers: [{ name: 'd' }] } } } });
  assert.equal((mp.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.length, 1);
});

test('results and bodies that are not objects are refused', () => {
  assert.throws(() => applyPatch('merge', {}, [1]), (e: unknown) => e instanceof PatchError && e.status === 400);
  assert.throws(() => applyPatch('json', {}, [{ op: 'replace', path: '', value: 3 }]), (e: unknown) => e instanceof PatchError && e.code === 'not-an-object');
});
