import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { startNodeIpamController } from './controller.js';

const resources = [...coreResources, { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }];
const log = { info: () => {}, warn: () => {}, error: () => {} };

test('nodes get free blocks, never twice; a deleted node frees its block; a restart changes nothing', async (t) => {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  let c = startNodeIpamController({ client, log });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  const cidr = (n: string) => (fake.getObject('nodes', undefined, n)?.spec as { podCIDR?: string; podCIDRs?: string[] } | undefined);
  fake.put('nodes', { metadata: { name: 'held' }, spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'] } });
  for (const n of ['n1', 'n2', 'n3']) fake.put('nodes', { metadata: { name: n }, spec: {} });
  await until(() => ['n1', 'n2', 'n3'].every((n) => cidr(n)?.podCIDR), 'blocks given');
  const given = ['held', 'n1', 'n2', 'n3'].map((n) => cidr(n)!.podCIDR);
  assert.equal(new Set(given).size, 4, given.join(' '));
  assert.deepEqual([...given].sort(), ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24', '10.42.3.0/24']);
  for (const n of ['n1', 'n2', 'n3']) assert.deepEqual(cidr(n)!.podCIDRs, [cidr(n)!.podCIDR]);
  const freed = cidr('n2')!.podCIDR;
  fake.remove('nodes', undefined, 'n2');
  await c.stop();
  c = startNodeIpamController({ client, log });
  fake.put('nodes', { metadata: { name: 'n4' }, spec: {} });
  await until(() => !!cidr('n4')?.podCIDR, 'n4 block');
  assert.equal(cidr('n4')!.podCIDR, freed, 'the lowest free block is the freed one');
  assert.equal(cidr('n1')!.podCIDR, given[1], 'a restart keeps what nodes hold');
});

test('another cluster CIDR and mask size', async (t) => {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const c = startNodeIpamController({ client, log, clusterCIDR: '10.100.0.0/20', nodeMaskSize: 26 });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  fake.put('nodes', { metadata: { name: 'a' }, spec: {} });
  await until(() => !!(fake.getObject('nodes', undefined, 'a')?.spec as { podCIDR?: string }).podCIDR, 'block');
  assert.equal((fake.getObject('nodes', undefined, 'a')?.spec as { podCIDR?: string }).podCIDR, '10.100.0.0/26');
});
