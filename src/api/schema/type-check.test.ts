import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSchemas, resolveRef, schemaSource } from './index.js';
import { findTypeErrors, namedGoTypes, NoTypeErrorsError, quantityError, reportedTypeError, typeErrorMessage } from './type-check.js';
import type { GroupVersionKind } from './types.js';

const configMap: GroupVersionKind = { group: '', version: 'v1', kind: 'ConfigMap' };
const deployment: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'Deployment' };
const service: GroupVersionKind = { group: '', version: 'v1', kind: 'Service' };
const pod: GroupVersionKind = { group: '', version: 'v1', kind: 'Pod' };
const event: GroupVersionKind = { group: '', version: 'v1', kind: 'Event' };
const secret: GroupVersionKind = { group: '', version: 'v1', kind: 'Secret' };

const check = (gvk: GroupVersionKind, obj: unknown) => findTypeErrors(builtinSchemas, gvk, obj);
const message = (gvk: GroupVersionKind, obj: unknown): string => typeErrorMessage(gvk, check(gvk, obj));

function deploymentWith(container: Record<string, unknown>, spec: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox', ...container }] } },
      ...spec,
    },
  };
}

test('a number in ConfigMap data is worded as kube-apiserver words it', () => {
  const errors = check(configMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 1 } });
  assert.deepEqual(errors, [{
    path: '.data.a', expected: 'string', got: 'number', goField: 'ConfigMap.data', goType: 'string',
    message: 'json: cannot unmarshal number into Go struct field ConfigMap.data of type string', fatal: false,
  }]);
  assert.equal(typeErrorMessage(configMap, errors),
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string');
});

test('well-typed objects of several kinds have no type errors', () => {
  assert.deepEqual(check(configMap, { metadata: { name: 'x', labels: { a: 'b' } }, data: { a: '1' }, binaryData: { b: 'AAE=' }, immutable: true }), []);
  assert.deepEqual(check(deployment, deploymentWith({ ports: [{ containerPort: 80 }] }, { replicas: 3 })), []);
  assert.deepEqual(check(service, { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'web' } } }), []);
});

test('Deployment replicas as the string "3" is an int32 error in DeploymentSpec', () => {
  assert.equal(message(deployment, deploymentWith({}, { replicas: '3' })),
    'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  const [e] = check(deployment, deploymentWith({}, { replicas: '3' }));
  assert.equal(e.path, '.spec.replicas');
  assert.equal(e.expected, 'integer');
  assert.equal(e.got, 'string');
});

test('a fractional or out-of-range integer names the number, as Go does', () => {
  assert.equal(check(deployment, deploymentWith({}, { replicas: 1.5 }))[0].message,
    'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(check(deployment, deploymentWith({}, { replicas: 3000000000 }))[0].message,
    'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32');
  // int64 holds it.
  assert.deepEqual(check(deployment, deploymentWith({}, { replicas: 1, progressDeadlineSeconds: 600 })), []);
  assert.deepEqual(check(configMap, { metadata: { name: 'x', generation: 3000000000 } }), []);
  assert.equal(check(configMap, { metadata: { name: 'x', generation: 2.5 } })[0].message,
    'json: cannot unmarshal number 2.5 into Go struct field ObjectMeta.metadata.generation of type int64');
});

test('containerPort as a string: the path names fields, not list indexes', () => {
  const errors = check(deployment, deploymentWith({ ports: [{ containerPort: '80' }] }));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].path, '.spec.template.spec.containers[0].ports[0].containerPort');
  assert.equal(errors[0].message,
    'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32');
});

test('Service targetPort takes a name or a number (IntOrString), not a fraction or an object', () => {
  const svc = (targetPort: unknown) => ({ metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort }] } });
  assert.deepEqual(check(service, svc('http')), []);
  assert.deepEqual(check(service, svc(8080)), []);
  const [frac] = check(service, svc(1.5));
  assert.equal(frac.message, 'json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.targetPort of type int32');
  assert.equal(frac.fatal, true);
  assert.equal(check(service, svc({ intVal: 8080 }))[0].message,
    'json: cannot unmarshal object into Go struct field ServicePort.spec.ports.targetPort of type int32');
  assert.equal(check(service, svc(true))[0].message,
    'json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32');
  // port itself is a plain int32.
  assert.equal(check(service, { spec: { ports: [{ port: 'http' }] } })[0].message,
    'json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32');
});

test('resource quantities take strings and numbers; anything else fails Quantity\'s own parser', () => {
  assert.deepEqual(check(deployment, deploymentWith({ resources: { limits: { cpu: 1, memory: '128Mi' }, requests: { cpu: '100m' } } })), []);
  const [e] = check(deployment, deploymentWith({ resources: { limits: { cpu: true } } }));
  assert.equal(e.path, '.spec.template.spec.containers[0].resources.limits.cpu');
  assert.equal(e.expected, 'Quantity');
  assert.equal(e.fatal, true);
  assert.equal(typeErrorMessage(deployment, [e]),
    "Deployment in version \"v1\" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  assert.equal(check(deployment, deploymentWith({ resources: { limits: { memory: '1Mb' } } }))[0].message,
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  assert.equal(check(deployment, deploymentWith({ resources: { limits: { memory: '1mm' } } }))[0].message, "unable to parse quantity's suffix");
  // The resource list itself is a named map type.
  assert.equal(check(deployment, deploymentWith({ resources: { limits: '1' } }))[0].message,
    'json: cannot unmarshal string into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList');
});

test('quantityError follows ParseQuantity', () => {
  for (const ok of ['0', '1', '-1', '+1.5', '.5', '1.', '100m', '2Gi', '1e3', '1E+3', '1e-3', '5Ei', '5E', ' 3 ', 'Gi', '-']) assert.equal(quantityError(ok), undefined, ok);
  for (const bad of ['', 'abc', '1Mb', '1 Gi', '1.2.3', '1x']) assert.match(quantityError(bad) ?? '', /^quantities must match/, bad);
  for (const bad of ['1mm', '1e', '1Ki2', '1eKi']) assert.equal(quantityError(bad), "unable to parse quantity's suffix", bad);
});

test('a label value that is a number is a map[string]string element error', () => {
  assert.equal(message(configMap, { metadata: { name: 'x', labels: { tier: 5 } } }),
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(check(configMap, { metadata: { name: 'x', labels: ['a'] } })[0].message,
    'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string');
});

test('metadata as an array is a v1.ObjectMeta error, and nothing inside it is checked', () => {
  const errors = check(configMap, { metadata: [{ name: 5 }], data: {} });
  assert.equal(errors.length, 1);
  assert.equal(errors[0].message, 'json: cannot unmarshal array into Go struct field ConfigMap.metadata of type v1.ObjectMeta');
  assert.equal(errors[0].expected, 'object');
  assert.equal(errors[0].got, 'array');
});

test('an Event with count "x"', () => {
  assert.equal(message(event, { metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p' }, count: 'x' }),
    'Event in version "v1" cannot be handled as a Event: json: cannot unmarshal string into Go struct field Event.count of type int32');
});

test('null is allowed anywhere', () => {
  assert.deepEqual(check(deployment, deploymentWith({ ports: null, resources: { limits: { cpu: null } } }, { replicas: null, strategy: null })), []);
  assert.deepEqual(check(configMap, { metadata: null, data: { a: null } }), []);
});

test('booleans, lists and structs of the wrong kind', () => {
  assert.equal(check(configMap, { metadata: { name: 'x' }, immutable: 'true' })[0].message,
    'json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool');
  assert.equal(check(deployment, deploymentWith({}, { template: { spec: { containers: { name: 'c' } } } }))[0].message,
    'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container');
  assert.equal(check(deployment, deploymentWith({ args: 'run' }))[0].message,
    'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.args of type []string');
  assert.equal(check(deployment, deploymentWith({ args: [1] }))[0].message,
    'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string');
  assert.equal(check(pod, { spec: { containers: ['c'] } })[0].message,
    'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container');
});

test('string fields of named Go types carry the type\'s name', () => {
  assert.equal(check(pod, { spec: { containers: [{ name: 'c', imagePullPolicy: 1 }] } })[0].message,
    'json: cannot unmarshal number into Go struct field Container.spec.containers.imagePullPolicy of type v1.PullPolicy');
  assert.equal(check(pod, { spec: { containers: [{ name: 'c', securityContext: { capabilities: { drop: [1] } } }] } })[0].message,
    'json: cannot unmarshal number into Go struct field Capabilities.spec.containers.securityContext.capabilities.drop of type v1.Capability');
  assert.equal(check(configMap, { metadata: { uid: 7 } })[0].message,
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID');
});

test('times must be strings, reported by metav1.Time\'s own decoding', () => {
  assert.deepEqual(check(configMap, { metadata: { creationTimestamp: '2024-01-02T15:04:05Z' } }), []);
  const [e] = check(configMap, { metadata: { creationTimestamp: 1700000000 } });
  assert.equal(e.message, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string');
  assert.equal(e.fatal, true);
});

test('Secret data is []byte: base64 strings (or byte arrays), not numbers', () => {
  assert.deepEqual(check(secret, { data: { a: 'AAE=' } }), []);
  assert.equal(check(secret, { data: { a: 1 } })[0].message,
    'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
  assert.equal(check(secret, { type: 5 })[0].message, 'json: cannot unmarshal number into Go struct field Secret.type of type v1.SecretType');
});

test('free-form values (RawExtension, FieldsV1, preserve-unknown-fields) take any JSON', () => {
  const managed = { metadata: { managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': { 'f:a': {} } } }] } };
  assert.deepEqual(check(configMap, managed), []);
  assert.deepEqual(check(configMap, { metadata: { managedFields: [{ fieldsV1: 'anything' }] } }), []);
  const src = schemaSource({
    'x.v1.Thing': {
      type: 'object',
      properties: { raw: { $ref: '#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension' }, any: { 'x-kubernetes-preserve-unknown-fields': true }, n: { type: 'integer', format: 'int32' } },
      'x-kubernetes-group-version-kind': [{ group: 'x', version: 'v1', kind: 'Thing' }],
    },
    'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
  });
  const thing = { group: 'x', version: 'v1', kind: 'Thing' };
  assert.deepEqual(findTypeErrors(src, thing, { raw: [1, 'a'], any: 5 }), []);
  assert.equal(findTypeErrors(src, thing, { raw: 'x', n: 'x' })[0].message, 'json: cannot unmarshal string into Go struct field Thing.n of type int32');
});

test('unknown fields, unknown kinds and non-object bodies are not type errors', () => {
  assert.deepEqual(check(configMap, { metadata: { name: 'x' }, dataa: 5, spec: [] }), []);
  assert.deepEqual(check({ group: 'nope', version: 'v1', kind: 'Nope' }, { a: 1 }), []);
  assert.deepEqual(check(configMap, [1]), []);
});

test('Go reports the first error, unless a later custom unmarshaller stopped decoding', () => {
  const template = (container: Record<string, unknown>) => ({ spec: { containers: [{ name: 'c', ...container }] } });
  const errors = check(deployment, { spec: { replicas: '3', template: template({ ports: [{ containerPort: '80' }] }) } });
  assert.deepEqual(errors.map((e) => e.path), ['.spec.replicas', '.spec.template.spec.containers[0].ports[0].containerPort']);
  assert.equal(reportedTypeError(errors), errors[0]);
  assert.match(typeErrorMessage(deployment, errors), /DeploymentSpec\.spec\.replicas of type int32$/);
  const withFatal = check(deployment, { spec: { replicas: '3', template: template({ resources: { limits: { cpu: {} } } }) } });
  assert.equal(withFatal.length, 2);
  assert.equal(reportedTypeError(withFatal), withFatal[1]);
  assert.match(typeErrorMessage(deployment, withFatal), /cannot be handled as a Deployment: quantities must match/);
  assert.throws(() => typeErrorMessage(deployment, []), NoTypeErrorsError);
});

test('every named Go type in the table names a real field of a matching schema type', () => {
  const defs = builtinSchemas.definitions;
  let checked = 0;
  for (const [def, fields] of Object.entries(namedGoTypes)) {
    assert.ok(defs[def], def);
    for (const [field, goType] of Object.entries(fields)) {
      const p = defs[def].properties?.[field];
      assert.ok(p, `${def}.${field}`);
      const want = goType.startsWith('[]') ? 'array' : goType === 'v1.ResourceList' ? 'object' : 'string';
      assert.equal(resolveRef(defs, p).type, want, `${def}.${field}`);
      checked++;
    }
  }
  assert.ok(checked > 50);
});
