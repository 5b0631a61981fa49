import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldSetOf, listKindOf } from './typed.js';
import { deploymentCtx } from '../patch/test-schemas.js';
import { fieldNode, itemNode, rootNode } from '../patch/schema-walk.js';

test('the fields of an applied Deployment, as kube records them', () => {
  const applied = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx', args: ['-g'], ports: [{ containerPort: 80 }] }], nodeSelector: { disk: 'ssd' } },
      },
    },
  };
  const fields = fieldSetOf(applied, deploymentCtx).toFieldsV1();
  assert.deepEqual(fields, {
    'f:apiVersion': {},
    'f:kind': {},
    'f:metadata': { 'f:finalizers': { 'v:"a"': {} }, 'f:labels': { 'f:app': {} }, 'f:name': {} },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {}, // atomic map: one leaf
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              '.': {},
              'f:args': {}, // atomic list
              'f:image': {},
              'f:name': {},
              // protocol is a key with a schema default, so the item is named with it.
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            },
          },
          'f:nodeSelector': {},
        },
      },
    },
  });
});

test('empty and null struct fields are members; empty lists own nothing', () => {
  const fields = fieldSetOf({ spec: { strategy: {}, template: null, selector: null } }, deploymentCtx).toFieldsV1();
  assert.deepEqual(fields, { 'f:spec': { 'f:selector': {}, 'f:strategy': {}, 'f:template': {} } });
  assert.deepEqual(fieldSetOf({ spec: { template: { spec: { containers: [] } } } }, deploymentCtx).toFieldsV1(), {});
});

test('without a schema maps are granular and lists atomic', () => {
  const fields = fieldSetOf({ data: { a: '1', nested: { b: 2 } }, list: [{ name: 'x' }] }).toFieldsV1();
  // Every key of an untyped map is a map entry, so each is a member in its own right.
  assert.deepEqual(fields, { 'f:data': { '.': {}, 'f:a': {}, 'f:nested': { '.': {}, 'f:b': {} } }, 'f:list': {} });
});

test('list kinds come from list-type, then patch strategy', () => {
  const spec = fieldNode(fieldNode(fieldNode(rootNode(deploymentCtx), 'spec'), 'template'), 'spec');
  assert.deepEqual(listKindOf(fieldNode(spec, 'containers')), { kind: 'map', keys: ['name'] });
  assert.deepEqual(listKindOf(fieldNode(spec, 'volumes')), { kind: 'map', keys: ['name'] }); // merge key fallback
  assert.deepEqual(listKindOf(fieldNode(spec, 'tolerations')), { kind: 'atomic' });
  const container = itemNode(fieldNode(spec, 'containers'));
  assert.deepEqual(listKindOf(fieldNode(container, 'ports')), { kind: 'map', keys: ['containerPort', 'protocol'] });
  assert.deepEqual(listKindOf({ schema: { type: 'array', 'x-kubernetes-patch-strategy': 'merge' }, defs: {} }), { kind: 'set' });
  assert.deepEqual(listKindOf({ schema: undefined, defs: {} }), { kind: 'atomic' });
});

test('duplicate keys in an applied list are refused', () => {
  assert.throws(
    () => fieldSetOf({ spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } }, deploymentCtx),
    /\.spec\.template\.spec\.containers: duplicate entries for key \{"name":"a"\}/,
  );
});
