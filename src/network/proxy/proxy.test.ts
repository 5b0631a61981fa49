import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { ServiceProxy } from './proxy.js';
import { endpoint, service, slice } from './testing/fixtures.js';
import type { NftRunner } from './types.js';

const resources = [
  ...coreResources,
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
];

class CaptureNft implements NftRunner {
  readonly scripts: string[] = [];
  async apply(text: string): Promise<void> {
    this.scripts.push(text);
  }
}

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const nft = new CaptureNft();
  const proxy = new ServiceProxy({ client, nodeName: 'node-a', nft, table: 'k8ts-proxy-u', minSyncIntervalMs: 100, retryMs: 50 });
  t.after(async () => {
    await proxy.stop();
    client.close();
    await fake.stop();
  });
  return { fake, nft, proxy };
}

test('first sync replaces the table; later changes are batched into one incremental transaction', async (t) => {
  const { fake, nft, proxy } = await setup(t);
  fake.put('services', service('web', '10.43.0.5'));
  fake.put('endpointslices', slice('web', [endpoint('10.42.0.7')]));
  await proxy.start();
  assert.equal(nft.scripts.length, 1);
  assert.match(nft.scripts[0]!, /^table ip k8ts-proxy-u\ndelete table ip k8ts-proxy-u\n/);
  assert.match(nft.scripts[0]!, /dnat to 10\.42\.0\.7:8080/);

  // A burst: three slice updates and a new service within a few ms.
  fake.put('endpointslices', slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8')]));
  fake.put('endpointslices', slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8'), endpoint('10.42.0.9')]));
  fake.put('services', service('db', '10.43.0.6'));
  await until(() => nft.scripts.length >= 2, 'second sync');
  await new Promise((r) => setTimeout(r, 300));
  const later = nft.scripts.slice(1).join('\n');
  assert.ok(nft.scripts.length <= 3, `${nft.scripts.length} transactions for one burst`);
  assert.doesNotMatch(later, /delete table/);
  assert.match(later, /numgen random mod 3 map \{ 0 : 10\.42\.0\.7 \. 8080, 1 : 10\.42\.0\.8 \. 8080, 2 : 10\.42\.0\.9 \. 8080 \}/);
  assert.match(later, /add element ip k8ts-proxy-u no-endpoint-ips \{ 10\.43\.0\.6 \. tcp \. 80 \}/);
});

test('a failed apply is followed by a full replacement; stop with cleanup deletes the table', async (t) => {
  const { fake, nft, proxy } = await setup(t);
  fake.put('services', service('web', '10.43.0.5'));
  await proxy.start();
  let failures = 0;
  const real = nft.apply.bind(nft);
  nft.apply = async (text: string) => {
    if (failures === 0) { failures++; throw new Error('boom'); }
    await real(text);
  };
  fake.put('endpointslices', slice('web', [endpoint('10.42.0.7')]));
  await until(() => nft.scripts.length >= 2, 'retry after the failure');
  assert.equal(failures, 1);
  // The kernel's state is unknown after a failure: the retry replaces the whole table.
  assert.match(nft.scripts[1]!, /^table ip k8ts-proxy-u\ndelete table/);
  assert.match(nft.scripts[1]!, /dnat to 10\.42\.0\.7:8080/);
  await proxy.stop({ cleanup: true });
  assert.equal(nft.scripts.at(-1), 'table ip k8ts-proxy-u\ndelete table ip k8ts-proxy-u\n');
});

test('whenEndpointGone resolves once a ruleset without the ready endpoint is applied', async (t) => {
  const { fake, nft, proxy } = await setup(t);
  fake.put('services', service('web', '10.43.0.5'));
  fake.put('endpointslices', slice('web', [endpoint('10.42.0.7'), endpoint('10.42.0.8')]));
  await proxy.start();
  assert.equal(await proxy.whenEndpointGone('10.42.0.99'), 'absent', 'an IP behind no service has nothing to wait for');
  let answer: string | undefined;
  let scriptsAtAnswer = 0;
  const waiting = proxy.whenEndpointGone('10.42.0.7', AbortSignal.timeout(3000)).then((r) => { answer = r; scriptsAtAnswer = nft.scripts.length; });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(answer, undefined);
  fake.put('endpointslices', slice('web', [endpoint('10.42.0.7', { ready: false, serving: true, terminating: true }), endpoint('10.42.0.8')]));
  await waiting;
  assert.equal(answer, 'drained');
  // The transaction that took 10.42.0.7 out of the spread was applied before the answer.
  assert.ok(scriptsAtAnswer >= 2);
  const last = nft.scripts.slice(1, scriptsAtAnswer).join('\n');
  assert.match(last, /dnat to 10\.42\.0\.8:8080|10\.42\.0\.8 \. 8080/);
  assert.doesNotMatch(last, /numgen random mod 2/);
});
