import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry } from '../../api/resources.js';
import {
  aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery, storageVersionHash,
} from './index.js';

const registry = new ResourceRegistry();
const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

test('/api lists v1 with the server address', () => {
  assert.deepEqual(apiVersions(registry, '127.0.0.1:6443'), {
    kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  });
});

test('/apis lists named groups with preferred versions; autoscaling prefers v2', () => {
  const list = apiGroupList(registry);
  assert.equal(list.kind, 'APIGroupList');
  assert.ok(!list.groups.some((g) => g.name === ''));
  const autoscaling = list.groups.find((g) => g.name === 'autoscaling');
  assert.deepEqual(autoscaling?.versions.map((v) => v.groupVersion), ['autoscaling/v2', 'autoscaling/v1']);
  assert.deepEqual(autoscaling?.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  assert.equal(apiGroup(registry, 'apps')?.kind, 'APIGroup');
  assert.equal(apiGroup(registry, 'nope.io'), undefined);
});

test('/api/v1 has pods with all verbs, short names, hash and subresources', () => {
  const list = apiResourceList(registry, '', 'v1');
  assert.ok(list);
  assert.equal(list.groupVersion, 'v1');
  const byName = new Map(list.resources.map((r) => [r.name, r]));
  const pods = byName.get('pods');
  assert.deepEqual(pods, {
    name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: all, shortNames: ['po'], categories: ['all'],
    // The value kube-apiserver publishes for core/v1 pods.
    storageVersionHash: 'xPOwRZ+Yhw8=',
  });
  assert.deepEqual(byName.get('pods/status')?.verbs, ['get', 'patch', 'update']);
  assert.deepEqual(byName.get('pods/log')?.verbs, ['get']);
  assert.deepEqual(byName.get('pods/binding'), { name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
  assert.deepEqual(byName.get('pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  assert.equal(byName.get('namespaces')?.namespaced, false);
  assert.equal(apiResourceList(registry, 'apps', 'v9'), undefined);
});

test('/apis/apps/v1 has deployments/scale as autoscaling/v1 Scale', () => {
  const list = apiResourceList(registry, 'apps', 'v1');
  const scale = list?.resources.find((r) => r.name === 'deployments/scale');
  assert.deepEqual(scale, { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  assert.equal(list?.resources.find((r) => r.name === 'deployments')?.storageVersionHash, storageVersionHash('apps', 'v1', 'Deployment'));
});

test('HPA v1 hashes as its storage version v2; events.k8s.io shares the core events hash', () => {
  const v1 = apiResourceList(registry, 'autoscaling', 'v1')?.resources.find((r) => r.name === 'horizontalpodautoscalers');
  const v2 = apiResourceList(registry, 'autoscaling', 'v2')?.resources.find((r) => r.name === 'horizontalpodautoscalers');
  assert.ok(v1?.storageVersionHash);
  assert.equal(v1.storageVersionHash, v2?.storageVersionHash);
  const coreEv = apiResourceList(registry, '', 'v1')?.resources.find((r) => r.name === 'events');
  const evEv = apiResourceList(registry, 'events.k8s.io', 'v1')?.resources.find((r) => r.name === 'events');
  assert.equal(coreEv?.storageVersionHash, evEv?.storageVersionHash);
});

for (const version of ['v2', 'v2beta1'] as const) {
  test(`aggregated discovery ${version} for /api and /apis`, () => {
    const core = aggregatedDiscovery(registry, 'core', version);
    assert.equal(core.kind, 'APIGroupDiscoveryList');
    assert.equal(core.apiVersion, `apidiscovery.k8s.io/${version}`);
    assert.equal(core.items.length, 1);
    assert.deepEqual(core.items[0].metadata, {});
    const v1 = core.items[0].versions[0];
    assert.equal(v1.version, 'v1');
    assert.equal(v1.freshness, 'Current');
    const pods = v1.resources.find((r) => r.resource === 'pods');
    assert.ok(pods);
    assert.deepEqual(pods.responseKind, { group: '', version: 'v1', kind: 'Pod' });
    assert.equal(pods.scope, 'Namespaced');
    assert.equal(pods.singularResource, 'pod');
    assert.deepEqual(pods.verbs, all);
    assert.deepEqual(pods.shortNames, ['po']);
    assert.deepEqual(pods.subresources?.find((s) => s.subresource === 'eviction'), { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
    assert.equal(v1.resources.find((r) => r.resource === 'nodes')?.scope, 'Cluster');

    const apis = aggregatedDiscovery(registry, 'apis', version);
    const apps = apis.items.find((g) => g.metadata.name === 'apps');
    const deploy = apps?.versions[0].resources.find((r) => r.resource === 'deployments');
    assert.deepEqual(deploy?.subresources?.map((s) => s.subresource), ['scale', 'status']);
    assert.deepEqual(deploy?.subresources?.[0].responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const autoscaling = apis.items.find((g) => g.metadata.name === 'autoscaling');
    assert.deepEqual(autoscaling?.versions.map((v) => v.version), ['v2', 'v1']);
    assert.ok(!apis.items.some((g) => g.metadata.name === undefined));
  });
}

test('Accept negotiation picks the aggregated version kubectl asks for', () => {
  const k128 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const k127 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const proto = 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,' + k128;
  assert.equal(negotiateDiscovery(k128), 'v2');
  assert.equal(negotiateDiscovery(k127), 'v2beta1');
  assert.equal(negotiateDiscovery(proto), 'v2');
  assert.equal(negotiateDiscovery('application/json'), undefined);
  assert.equal(negotiateDiscovery('application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'), undefined);
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList'), undefined);
  assert.equal(negotiateDiscovery(undefined), undefined);
  assert.equal(aggregatedContentType('v2'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
});

test('discovery documents are serialized once, with ETags that If-None-Match can match', async () => {
  const { DiscoveryDocuments, notModified } = await import('./documents.js');
  const docs = new DiscoveryDocuments(registry, '127.0.0.1:6443');
  const agg = docs.root('apis', 'v2');
  assert.equal(docs.root('apis', 'v2'), agg);
  assert.equal(JSON.parse(agg.json).kind, 'APIGroupDiscoveryList');
  assert.equal(JSON.parse(docs.root('apis').json).kind, 'APIGroupList');
  assert.equal(JSON.parse(docs.root('core').json).kind, 'APIVersions');
  assert.notEqual(docs.root('core', 'v2').etag, docs.root('core', 'v2beta1').etag);
  assert.match(agg.etag, /^"[0-9A-F]{128}"$/);
  assert.equal(JSON.parse(docs.resources('', 'v1')?.json ?? '{}').groupVersion, 'v1');
  assert.equal(docs.resources('nope', 'v1'), undefined);
  assert.equal(JSON.parse(docs.group('apps')?.json ?? '{}').name, 'apps');
  assert.ok(notModified(agg.etag, agg.etag));
  assert.ok(notModified(`"x", W/${agg.etag}`, agg.etag));
  assert.ok(!notModified('"x"', agg.etag));
  assert.ok(!notModified(undefined, agg.etag));
});
