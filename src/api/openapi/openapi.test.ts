import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry, resourceTypes } from '../resources.js';
import { builtinSchemas } from '../schema/index.js';
import { documentHash, encodeOpenAPIV2Proto, OpenAPIDocuments, openapiV2, openapiV3GroupVersion, openapiV3RootFrom, wantsOpenAPIV2Proto } from './index.js';

type Json = Record<string, any>;
const registry = new ResourceRegistry();
const v2 = openapiV2(registry, builtinSchemas) as Json;

/** Every value under `$ref` in a document. */
function refsIn(x: unknown, out: string[] = []): string[] {
  if (typeof x !== 'object' || x === null) return out;
  for (const [k, v] of Object.entries(x)) {
    if (k === '$ref' && typeof v === 'string') out.push(v);
    else refsIn(v, out);
  }
  return out;
}

const names = (params: Json[] | undefined): string[] => (params ?? []).filter((p) => p.in === 'query').map((p) => p.name);

test('v2 has the CRUD paths of pods with actions, kinds and write parameters', () => {
  assert.equal(v2.swagger, '2.0');
  const item = v2.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
  assert.ok(item);
  assert.deepEqual(Object.keys(item).filter((k) => k !== 'parameters').sort(), ['delete', 'get', 'patch', 'put']);
  assert.equal(item.patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  assert.equal(item.patch.operationId, 'patchCoreV1NamespacedPod');
  for (const p of ['dryRun', 'fieldManager', 'fieldValidation', 'force']) assert.ok(names(item.patch.parameters).includes(p), `patch has ${p}`);
  for (const p of ['dryRun', 'fieldManager', 'fieldValidation']) assert.ok(names(item.put.parameters).includes(p), `put has ${p}`);
  assert.ok(item.patch.consumes.includes('application/apply-patch+yaml'));
  const coll = v2.paths['/api/v1/namespaces/{namespace}/pods'];
  assert.ok(names(coll.post.parameters).includes('fieldValidation'));
  assert.equal(coll.get['x-kubernetes-action'], 'list');
  assert.equal(coll.delete['x-kubernetes-action'], 'deletecollection');
  assert.equal(v2.paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(v2.paths['/api/v1/watch/namespaces/{namespace}/pods/{name}'].get['x-kubernetes-action'], 'watch');
  assert.equal(v2.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'].post['x-kubernetes-action'], 'connect');
  assert.deepEqual(v2.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post['x-kubernetes-group-version-kind'], { group: 'policy', version: 'v1', kind: 'Eviction' });
  const scale = v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
  assert.equal(scale.get.responses['200'].schema.$ref, '#/definitions/io.k8s.api.autoscaling.v1.Scale');
  assert.equal(v2.paths['/api/v1/nodes/{name}'].get.operationId, 'readCoreV1Node');
  assert.equal(v2.paths['/apis/rbac.authorization.k8s.io/v1/clusterroles'].get.operationId, 'listRbacAuthorizationV1ClusterRole');
});

test('v2 has a path for every resource and every ref resolves', () => {
  for (const r of resourceTypes) {
    const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    const path = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
    assert.ok(v2.paths[path], path);
  }
  for (const ref of refsIn(v2.paths)) assert.ok(v2.definitions[ref.replace('#/definitions/', '')], ref);
});

test('v3 root lists every group-version with the hash of its document', () => {
  const root = openapiV3RootFrom(registry, builtinSchemas);
  assert.ok(root.paths['api/v1']);
  assert.ok(root.paths['apis/apps/v1']);
  assert.ok(root.paths['apis/autoscaling/v1'] && root.paths['apis/autoscaling/v2']);
  const doc = openapiV3GroupVersion(registry, builtinSchemas, 'apps', 'v1');
  assert.equal(root.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${documentHash(JSON.stringify(doc))}`);
  assert.match(root.paths['api/v1'].serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  assert.equal(openapiV3GroupVersion(registry, builtinSchemas, 'nope', 'v1'), undefined);
});

test('v3 group-version document: refs resolve, kinds are tagged, PATCH offers fieldValidation as kubectl checks', () => {
  const doc = openapiV3GroupVersion(registry, builtinSchemas, '', 'v1') as Json;
  assert.equal(doc.openapi, '3.0.0');
  const schemas = doc.components.schemas;
  for (const ref of refsIn(doc)) {
    assert.match(ref, /^#\/components\/schemas\//);
    assert.ok(schemas[ref.replace('#/components/schemas/', '')], ref);
  }
  assert.deepEqual(schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.ok(schemas['io.k8s.api.core.v1.Pod'].properties.spec.allOf, 'described ref is wrapped in allOf');
  assert.ok(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].anyOf);
  assert.equal(schemas['io.k8s.api.apps.v1.Deployment'], undefined, 'only reachable schemas');
  // kubectl's probe: any PATCH operation for the kind, with fieldValidation among its own query parameters.
  for (const kind of ['Pod', 'Service', 'ConfigMap', 'Node']) {
    const patches = Object.values(doc.paths as Record<string, Json>).map((p) => p.patch).filter((op) => op?.['x-kubernetes-group-version-kind']?.kind === kind);
    assert.ok(patches.length > 0, `${kind} has PATCH`);
    for (const op of patches) {
      assert.ok(op.parameters.some((p: Json) => p.name === 'fieldValidation' && p.in === 'query'), `${op.operationId} has fieldValidation`);
      assert.ok(op.requestBody.content['application/strategic-merge-patch+json']);
    }
  }
});

test('documents are serialized once and reused', () => {
  const docs = new OpenAPIDocuments(registry, builtinSchemas);
  assert.equal(docs.v2(), docs.v2());
  assert.equal(docs.v2().hash, documentHash(docs.v2().json));
  assert.equal(docs.v3ByPath('apis/apps/v1'), docs.v3('apps', 'v1'));
  assert.equal(docs.v3ByPath('api/v1'), docs.v3('', 'v1'));
  assert.equal(docs.v3ByPath('apis/x'), undefined);
  const root = JSON.parse(docs.v3Root().json);
  assert.equal(root.paths['api/v1'].serverRelativeURL, `/openapi/v3/api/v1?hash=${docs.v3('', 'v1')?.hash}`);
  assert.equal(docs.v2Proto(), docs.v2Proto());
});

/** Reads the top-level fields of a protobuf message: field number -> list of raw values. */
function decodeFields(b: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const out = new Map<number, (number | Uint8Array)[]>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const byte = b[i++];
      v += (byte & 0x7f) * mul;
      if (byte < 0x80) return v;
      mul *= 128;
    }
  };
  while (i < b.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) { const n = varint(); value = b.subarray(i, i + n); i += n; }
    else if (wire === 1) { value = b.subarray(i, i + 8); i += 8; }
    else throw new Error(`unexpected wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

test('v2 protobuf carries the document in gnostic field numbers', () => {
  const bytes = encodeOpenAPIV2Proto({
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1' },
    paths: {},
    definitions: { 'a.B': { type: 'object', properties: { x: { type: 'string' } }, 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'B' }] } },
  });
  const doc = decodeFields(bytes);
  assert.equal(Buffer.from(doc.get(1)?.[0] as Uint8Array).toString(), '2.0');
  const info = decodeFields(doc.get(2)?.[0] as Uint8Array);
  assert.equal(Buffer.from(info.get(1)?.[0] as Uint8Array).toString(), 'Kubernetes');
  const named = decodeFields(decodeFields(doc.get(9)?.[0] as Uint8Array).get(1)?.[0] as Uint8Array);
  assert.equal(Buffer.from(named.get(1)?.[0] as Uint8Array).toString(), 'a.B');
  const schema = decodeFields(named.get(2)?.[0] as Uint8Array);
  const type = decodeFields(schema.get(22)?.[0] as Uint8Array);
  assert.equal(Buffer.from(type.get(1)?.[0] as Uint8Array).toString(), 'object');
  const ext = decodeFields(schema.get(31)?.[0] as Uint8Array);
  assert.equal(Buffer.from(ext.get(1)?.[0] as Uint8Array).toString(), 'x-kubernetes-group-version-kind');
  const yaml = decodeFields(ext.get(2)?.[0] as Uint8Array).get(2)?.[0] as Uint8Array;
  assert.deepEqual(JSON.parse(Buffer.from(yaml).toString()), [{ group: '', version: 'v1', kind: 'B' }]);
  assert.ok(wantsOpenAPIV2Proto('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'));
  assert.ok(!wantsOpenAPIV2Proto('application/json'));
});

test('proto writer: nested lengths of one and several varint bytes, unicode strings, doubles', async () => {
  const { ProtoWriter } = await import('./proto-writer.js');
  const long = 'é'.repeat(200);
  const bytes = new ProtoWriter()
    .message(1, (w) => w.string(1, 'short'))
    .message(2, (w) => w.string(1, long).message(2, (x) => x.uint(1, 300)))
    .double(3, 1.5)
    .oneofBool(4, false)
    .finish();
  const top = decodeFields(bytes);
  assert.equal(Buffer.from(decodeFields(top.get(1)?.[0] as Uint8Array).get(1)?.[0] as Uint8Array).toString(), 'short');
  const second = decodeFields(top.get(2)?.[0] as Uint8Array);
  assert.equal(Buffer.from(second.get(1)?.[0] as Uint8Array).toString(), long);
  assert.deepEqual(decodeFields(second.get(2)?.[0] as Uint8Array).get(1), [300]);
  assert.equal(Buffer.from(top.get(3)?.[0] as Uint8Array).readDoubleLE(), 1.5);
  assert.deepEqual(top.get(4), [0]);
});
