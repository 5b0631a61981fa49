import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSchemas, schemaSource } from './index.js';
import { dict, list, obj, ref, str } from './dsl.js';
import {
  cannotBeHandledMessage, fieldNotDeclaredMessage, findUnknownFields, strictDecodingMessage, unknownFieldWarning, warningHeaderValue,
} from './unknown-fields.js';

const pod = { group: '', version: 'v1', kind: 'Pod' };

test('a valid pod has no unknown fields', () => {
  const p = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'a', labels: { app: 'x' }, annotations: { 'a/b': 'c' }, managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:x': {} } } }] },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } },
        livenessProbe: { httpGet: { port: 'http', path: '/' } }, env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }],
      volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', configMap: { name: 'cm', items: [{ key: 'k', path: 'p' }] } }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
    status: { phase: 'Running' },
  };
  assert.deepEqual(findUnknownFields(builtinSchemas, pod, p), []);
});

test('unknown fields are reported with their paths, nested in lists and maps', () => {
  const p = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', bogus: 1 },
    spec: { containers: [{ name: 'c' }, { name: 'd', imagePullPolcy: 'Always', resources: { limts: {} } }], foo: true },
    extra: {},
  };
  assert.deepEqual(findUnknownFields(builtinSchemas, pod, p), [
    '.metadata.bogus',
    '.spec.containers[1].imagePullPolcy',
    '.spec.containers[1].resources.limts',
    '.spec.foo',
    '.extra',
  ]);
});

test('embedded raw objects, preserve-unknown-fields and unknown kinds accept anything', () => {
  const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 1, data: { any: { thing: 1 } } };
  assert.deepEqual(findUnknownFields(builtinSchemas, { group: 'apps', version: 'v1', kind: 'ControllerRevision' }, rev), []);
  assert.deepEqual(findUnknownFields(builtinSchemas, { group: 'x.io', version: 'v1', kind: 'Y' }, { foo: 1 }), []);
  const src = schemaSource({
    'x.T': { ...obj({ spec: ref('x.Spec'), m: dict(ref('x.Spec')), l: list(str()) }), 'x-kubernetes-group-version-kind': [{ group: 'x', version: 'v1', kind: 'T' }] },
    'x.Spec': { ...obj({ a: str() }), additionalProperties: false },
    'x.Free': { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  });
  const gvk = { group: 'x', version: 'v1', kind: 'T' };
  assert.deepEqual(findUnknownFields(src, gvk, { spec: { a: 'x', b: 1 }, m: { k1: { a: '', z: 1 } }, l: ['a'] }), ['.spec.b', '.m.k1.z']);
  src.definitions['x.T'].properties!.spec = ref('x.Free');
  assert.deepEqual(findUnknownFields(src, gvk, { spec: { anything: { goes: 1 } } }), []);
});

test('messages use kube-apiserver wording', () => {
  assert.equal(unknownFieldWarning('.spec.foo'), 'unknown field "spec.foo"');
  assert.equal(strictDecodingMessage(['.spec.foo', '.spec.bar[0].x']), 'strict decoding error: unknown field "spec.foo", unknown field "spec.bar[0].x"');
  assert.equal(cannotBeHandledMessage({ group: 'apps', version: 'v1', kind: 'Deployment' }, ['.spec.foo']),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"');
  assert.equal(fieldNotDeclaredMessage(['.spec.foo']), '.spec.foo: field not declared in schema');
  assert.equal(warningHeaderValue('unknown field "spec.foo"'), '299 - "unknown field \\"spec.foo\\""');
});

test('structural schemas: empty objects have no fields, embedded resources allow apiVersion, kind, metadata', () => {
  const src = schemaSource({
    'x.T': {
      ...obj({ spec: obj({ empty: { type: 'object' }, inner: { ...obj({ a: str() }), 'x-kubernetes-embedded-resource': true } }) }),
      'x-kubernetes-group-version-kind': [{ group: 'x', version: 'v1', kind: 'T' }],
    },
  });
  const gvk = { group: 'x', version: 'v1', kind: 'T' };
  const o = { apiVersion: 'x/v1', kind: 'T', metadata: {}, spec: { empty: { z: 1 }, inner: { apiVersion: 'v1', kind: 'K', metadata: {}, a: '', b: 1 } } };
  assert.deepEqual(findUnknownFields(src, gvk, o, { structural: true }), ['.spec.empty.z', '.spec.inner.b']);
  assert.deepEqual(findUnknownFields(src, gvk, o), ['.spec.inner.b']);
  src.definitions['x.T']['x-kubernetes-preserve-unknown-fields'] = true;
  assert.deepEqual(findUnknownFields(src, gvk, o, { structural: true }), []);
});

test('a CRD manifest with a nested schema has no unknown fields; a typo is found', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 1 } }, 'x-kubernetes-preserve-unknown-fields': true }, list: { type: 'array', items: { type: 'string' } } } } } }],
    },
  };
  const gvk = { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' };
  assert.deepEqual(findUnknownFields(builtinSchemas, gvk, crd), []);
  crd.spec.versions[0].schema.openAPIV3Schema = { type: 'object', propertys: {} } as never;
  assert.deepEqual(findUnknownFields(builtinSchemas, gvk, crd), ['.spec.versions[0].schema.openAPIV3Schema.propertys']);
});
