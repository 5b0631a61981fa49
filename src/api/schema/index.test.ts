import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes } from '../resources.js';
import { builtinSchemas, refName, resolveRef, UnresolvedRefError } from './index.js';
import { describe as describeDefs, obj, str, UnknownDescribedFieldError } from './dsl.js';
import type { Schema } from './types.js';

const defs = builtinSchemas.definitions;
const def = (name: string): Schema => {
  const d = defs[name];
  assert.ok(d, `definition ${name} exists`);
  return d;
};
const prop = (name: string, field: string): Schema => {
  const p = def(name).properties?.[field];
  assert.ok(p, `${name}.${field} exists`);
  return p;
};

test('every served kind and its list kind has a definition tagged with its group-version-kind', () => {
  for (const r of resourceTypes) {
    // Review kinds (create only) have no list kind, as in Kubernetes.
    const served = (r as { verbs?: string[] }).verbs ?? ['list'];
    for (const kind of served.includes('list') ? [r.kind, r.listKind] : [r.kind]) {
      const name = builtinSchemas.definitionFor({ group: r.group, version: r.version, kind });
      assert.ok(name, `${r.group}/${r.version} ${kind}`);
      assert.deepEqual(def(name)['x-kubernetes-group-version-kind'], [{ group: r.group, version: r.version, kind }]);
    }
  }
});

test('HPA v1 and v2 and both Event kinds have distinct definitions', () => {
  assert.equal(builtinSchemas.definitionFor({ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' }), 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler');
  assert.equal(builtinSchemas.definitionFor({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' }), 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler');
  assert.ok(prop('io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec', 'targetCPUUtilizationPercentage'));
  assert.ok(prop('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec', 'metrics'));
  assert.ok(prop('io.k8s.api.events.v1.Event', 'regarding'));
  assert.ok(prop('io.k8s.api.core.v1.Event', 'involvedObject'));
  assert.equal(builtinSchemas.definitionFor({ group: 'autoscaling', version: 'v1', kind: 'Scale' }), 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(builtinSchemas.definitionFor({ group: 'policy', version: 'v1', kind: 'Eviction' }), 'io.k8s.api.policy.v1.Eviction');
  assert.equal(builtinSchemas.definitionFor({ group: '', version: 'v1', kind: 'Binding' }), 'io.k8s.api.core.v1.Binding');
  assert.equal(builtinSchemas.definitionFor({ group: 'apps', version: 'v1', kind: 'DeleteOptions' }), 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(builtinSchemas.definitionFor({ group: 'no.such', version: 'v1', kind: 'Pod' }), undefined);
});

test('every $ref resolves', () => {
  let refs = 0;
  const walk = (s: unknown): void => {
    if (typeof s !== 'object' || s === null) return;
    const ref = (s as Schema).$ref;
    if (typeof ref === 'string') {
      refs++;
      assert.ok(defs[refName(ref)], `${ref} resolves`);
    }
    for (const v of Object.values(s)) walk(v);
  };
  walk(defs);
  assert.ok(refs > 500, `many refs checked (${refs})`);
});

test('patch strategies and list markers sit where Kubernetes has them', () => {
  const cases: [string, string, string | undefined, string | undefined, string | undefined, string[] | undefined][] = [
    ['io.k8s.api.core.v1.PodSpec', 'containers', 'merge', 'name', 'map', ['name']],
    ['io.k8s.api.core.v1.PodSpec', 'initContainers', 'merge', 'name', 'map', ['name']],
    ['io.k8s.api.core.v1.PodSpec', 'volumes', 'merge,retainKeys', 'name', 'map', ['name']],
    ['io.k8s.api.core.v1.PodSpec', 'tolerations', undefined, undefined, 'atomic', undefined],
    ['io.k8s.api.core.v1.Container', 'ports', 'merge', 'containerPort', 'map', ['containerPort', 'protocol']],
    ['io.k8s.api.core.v1.Container', 'env', 'merge', 'name', 'map', ['name']],
    ['io.k8s.api.core.v1.Container', 'volumeMounts', 'merge', 'mountPath', 'map', ['mountPath']],
    ['io.k8s.api.core.v1.ServiceSpec', 'ports', 'merge', 'port', 'map', ['port', 'protocol']],
    ['io.k8s.api.core.v1.PodStatus', 'conditions', 'merge', 'type', 'map', ['type']],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers', 'merge', undefined, 'set', undefined],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences', 'merge', 'uid', 'map', ['uid']],
    ['io.k8s.api.apps.v1.DeploymentStatus', 'conditions', 'merge', 'type', 'map', ['type']],
  ];
  for (const [type, field, strategy, key, listType, mapKeys] of cases) {
    const p = prop(type, field);
    const at = `${type}.${field}`;
    assert.equal(p['x-kubernetes-patch-strategy'], strategy, `${at} strategy`);
    assert.equal(p['x-kubernetes-patch-merge-key'], key, `${at} merge key`);
    assert.equal(p['x-kubernetes-list-type'], listType, `${at} list type`);
    assert.deepEqual(p['x-kubernetes-list-map-keys'], mapKeys, `${at} map keys`);
  }
  assert.equal(def('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')['x-kubernetes-map-type'], 'atomic');
  // Server-side apply fills these list-map keys from their defaults.
  assert.equal(prop('io.k8s.api.core.v1.ContainerPort', 'protocol').default, 'TCP');
  assert.equal(prop('io.k8s.api.core.v1.ServicePort', 'protocol').default, 'TCP');
});

test('primitive types and required fields', () => {
  assert.equal(def('io.k8s.apimachinery.pkg.util.intstr.IntOrString')['x-kubernetes-int-or-string'], true);
  assert.deepEqual([def('io.k8s.apimachinery.pkg.apis.meta.v1.Time').type, def('io.k8s.apimachinery.pkg.apis.meta.v1.Time').format], ['string', 'date-time']);
  assert.equal(def('io.k8s.apimachinery.pkg.api.resource.Quantity').type, 'string');
  assert.deepEqual(def('io.k8s.api.core.v1.PodSpec').required, ['containers']);
  assert.deepEqual(def('io.k8s.api.core.v1.Container').required, ['name']);
  assert.deepEqual(def('io.k8s.api.apps.v1.DeploymentSpec').required, ['selector', 'template']);
  assert.equal(def('io.k8s.api.core.v1.Pod').required, undefined);
  for (const v of ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected', 'persistentVolumeClaim', 'nfs', 'csi', 'ephemeral']) {
    assert.ok(prop('io.k8s.api.core.v1.Volume', v), `volume source ${v}`);
  }
});

test('kinds and main fields carry descriptions for kubectl explain', () => {
  for (const r of resourceTypes) {
    const name = builtinSchemas.definitionFor({ group: r.group, version: r.version, kind: r.kind }) as string;
    assert.ok((def(name).description ?? '').length > 10, `${name} described`);
  }
  assert.match(prop('io.k8s.api.core.v1.PodSpec', 'containers').description ?? '', /containers/);
});

test('resolveRef follows references and keeps the field description', () => {
  const pod = def('io.k8s.api.core.v1.Pod');
  const spec = resolveRef(defs, prop('io.k8s.api.core.v1.Pod', 'spec'));
  assert.ok(spec.properties?.containers);
  assert.equal(spec.description, pod.properties?.spec.description);
  assert.throws(() => resolveRef(defs, { $ref: '#/definitions/nope' }), UnresolvedRefError);
  assert.equal(resolveRef(defs, { type: 'string' }).type, 'string');
});

test('describe refuses a description for a field that does not exist', () => {
  const d = { 'p.T': obj({ a: str() }) };
  describeDefs(d, 'p', { T: { a: 'the a' } });
  assert.equal(d['p.T'].properties?.a.description, 'the a');
  assert.throws(() => describeDefs(d, 'p', { T: { b: 'no' } }), UnknownDescribedFieldError);
});

test('CustomResourceDefinition schemas are ready for custom resources', () => {
  assert.equal(builtinSchemas.definitionFor({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' }), 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition');
  const props = prop('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion', 'schema');
  assert.ok(resolveRef(defs, props).properties?.openAPIV3Schema);
  assert.ok(prop('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', 'x-kubernetes-preserve-unknown-fields'));
});
