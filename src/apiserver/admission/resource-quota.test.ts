import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry } from '../../api/resources.js';
import { ApiError } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { AdmissionLookup } from './lookup.js';
import { resourceQuota } from './resource-quota.js';

const registry = new ResourceRegistry();
const pods = registry.lookup('', 'v1', 'pods')!;
const configmaps = registry.lookup('', 'v1', 'configmaps')!;

function lookupOf(objects: Record<string, KObject[]>): AdmissionLookup {
  return { get: async () => undefined, list: async (_g, resource) => objects[resource] ?? [] };
}

const pod = (name: string, cpu: string, phase = 'Running'): KObject => ({
  metadata: { name, namespace: 'q' },
  spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu } } }] },
  status: { phase },
});

test('pod creates past a quota of pods or cpu are refused with Kubernetes\' wording', async () => {
  const quota: KObject = { metadata: { name: 'compute', namespace: 'q' }, spec: { hard: { pods: '2', 'requests.cpu': '1' } } };
  const plugin = resourceQuota(lookupOf({ resourcequotas: [quota], pods: [pod('a', '500m'), pod('done', '4', 'Succeeded')] }));
  const admit = (p: KObject) => plugin({ operation: 'CREATE', resource: pods, namespace: 'q', name: String(p.metadata.name), dryRun: false, object: p });
  await admit(pod('b', '500m'));
  await assert.rejects(async () => admit(pod('c', '600m')), (e: unknown) => e instanceof ApiError && e.code === 403
    && /exceeded quota: compute, requested: requests.cpu=0.6, used: requests.cpu=0.5, limited: requests.cpu=1/.test(e.message));
});

test('object counts are limited too', async () => {
  const quota: KObject = { metadata: { name: 'objects', namespace: 'q' }, spec: { hard: { 'count/configmaps': '1' } } };
  const plugin = resourceQuota(lookupOf({ resourcequotas: [quota], configmaps: [{ metadata: { name: 'one' } }] }));
  await assert.rejects(async () => plugin({ operation: 'CREATE', resource: configmaps, namespace: 'q', name: 'two', dryRun: false, object: { metadata: { name: 'two' } } }),
    (e: unknown) => e instanceof ApiError && /exceeded quota: objects, requested: count\/configmaps=1, used: count\/configmaps=1, limited: count\/configmaps=1/.test(e.message));
});
