// The manager's loop over a RouteTable held in memory: what it adds, replaces and deletes
// as Nodes come, change and go. The kernel itself is in kernel.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { PodRouteManager } from './manager.js';
import type { KernelRoute, RouteTable } from './kernel.js';
import type { LocalAddress } from './desired.js';

const resources = [...coreResources, { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }];

class MemoryRoutes implements RouteTable {
  readonly metric = 75;
  own: KernelRoute[] = [];
  /** Destinations held by routes someone else made, at our metric. */
  foreign = new Set<string>();
  readonly ops: string[] = [];
  failReplace = false;
  local: LocalAddress[] = [{ dev: 'eth0', address: '192.168.1.10', prefixLen: 24 }];
  reads = 0;
  async listOwn() { this.reads++; return this.own.map((r) => ({ ...r })); }
  async foreignRouteAt(dst: string) { return this.foreign.has(dst); }
  async replace(r: { dst: string; via: string; dev: string }) {
    if (this.failReplace) throw new Error('device busy');
    this.own = this.own.filter((k) => !(k.dst === r.dst && k.metric === this.metric));
    this.own.push({ ...r, metric: this.metric });
    this.ops.push(`replace ${r.dst} via ${r.via}`);
  }
  async delete(r: KernelRoute) {
    this.own = this.own.filter((k) => !(k.dst === r.dst && k.via === r.via));
    this.ops.push(`del ${r.dst} via ${r.via}`);
  }
  async localAddresses() { return this.local; }
  table(): string[] { return this.own.map((r) => `${r.dst} via ${r.via} dev ${r.dev}`).sort(); }
}

function node(name: string, podCIDR: string, ip: string) {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { podCIDR }, status: { addresses: [{ type: 'InternalIP', address: ip }] } };
}

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const routes = new MemoryRoutes();
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  const mgr = new PodRouteManager({ client, nodeName: 'a', routes, log, minSyncIntervalMs: 5, retryMs: 20, resyncMs: 60_000 });
  t.after(async () => {
    await mgr.stop();
    client.close();
    await fake.stop();
  });
  return { fake, routes, mgr, logs };
}

test('start routes the nodes already there; new, moved and deleted nodes follow', async (t) => {
  const { fake, routes, mgr } = await setup(t);
  fake.put('nodes', node('a', '10.42.0.0/24', '192.168.1.10'));
  fake.put('nodes', node('b', '10.42.1.0/24', '192.168.1.11'));
  await mgr.start();
  assert.deepEqual(routes.table(), ['10.42.1.0/24 via 192.168.1.11 dev eth0']);

  fake.put('nodes', node('c', '10.42.2.0/24', '192.168.1.12'));
  await until(() => routes.own.length === 2, 'route to c');
  // b gets a new address: its route is deleted then made again via the new one.
  fake.put('nodes', node('b', '10.42.1.0/24', '192.168.1.21'));
  await until(() => routes.table().includes('10.42.1.0/24 via 192.168.1.21 dev eth0'), 'b moved');
  assert.ok(routes.ops.indexOf('del 10.42.1.0/24 via 192.168.1.11') < routes.ops.indexOf('replace 10.42.1.0/24 via 192.168.1.21'));
  fake.remove('nodes', undefined, 'c');
  await until(() => routes.own.length === 1, 'route to c removed');
  assert.deepEqual(routes.table(), ['10.42.1.0/24 via 192.168.1.21 dev eth0']);
});

test('stale routes of ours are removed at start; a route made by someone else is left alone and logged once', async (t) => {
  const { fake, routes, mgr, logs } = await setup(t);
  routes.own.push({ dst: '10.42.77.0/24', via: '192.168.1.77', dev: 'eth0', metric: 75 });
  routes.foreign.add('10.42.3.0/24');
  fake.put('nodes', node('d', '10.42.3.0/24', '192.168.1.13'));
  await mgr.start();
  assert.deepEqual(routes.table(), []);
  assert.ok(routes.ops.includes('del 10.42.77.0/24 via 192.168.1.77'));
  await mgr.syncNow();
  await mgr.syncNow();
  assert.equal(logs.filter((l) => /node d's pods: a route to 10\.42\.3\.0\/24 .* did not make/.test(l)).length, 1, logs.join('\n'));
  routes.foreign.delete('10.42.3.0/24');
  await mgr.syncNow();
  assert.deepEqual(routes.table(), ['10.42.3.0/24 via 192.168.1.13 dev eth0']);
});

test('a node off the L2 network is logged once; a failed replace is retried', async (t) => {
  const { fake, routes, mgr, logs } = await setup(t);
  fake.put('nodes', node('far', '10.42.4.0/24', '203.0.113.4'));
  routes.failReplace = true;
  fake.put('nodes', node('b', '10.42.1.0/24', '192.168.1.11'));
  await mgr.start();
  assert.deepEqual(routes.table(), []);
  assert.ok(logs.some((l) => /sync failed.*device busy/.test(l)));
  routes.failReplace = false;
  await until(() => routes.own.length === 1, 'retried after the failure');
  await mgr.syncNow();
  assert.equal(logs.filter((l) => /node far's pods: .*not on a directly connected subnet/.test(l)).length, 1, logs.join('\n'));
});

test('stop leaves the routes; removeAll deletes all of ours', async (t) => {
  const { fake, routes, mgr } = await setup(t);
  fake.put('nodes', node('b', '10.42.1.0/24', '192.168.1.11'));
  fake.put('nodes', node('c', '10.42.2.0/24', '192.168.1.12'));
  await mgr.start();
  await mgr.stop();
  assert.equal(routes.own.length, 2);
  fake.remove('nodes', undefined, 'b');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(routes.own.length, 2, 'a stopped manager changes nothing');
  assert.equal(await mgr.removeAll(), 2);
  assert.deepEqual(routes.table(), []);
});

test('Node updates that change no route cost no kernel reads; many nodes off the L2 network log a few lines', async (t) => {
  const { fake, routes, mgr, logs } = await setup(t);
  fake.put('nodes', node('b', '10.42.1.0/24', '192.168.1.11'));
  for (let i = 0; i < 50; i++) fake.put('nodes', node(`hollow-${i}`, `10.42.${100 + i}.0/24`, `10.200.0.${i + 1}`));
  await mgr.start();
  assert.deepEqual(routes.table(), ['10.42.1.0/24 via 192.168.1.11 dev eth0']);
  assert.ok(logs.length <= 5, `${logs.length} log lines for 50 unroutable nodes:\n${logs.join('\n')}`);
  assert.ok(logs.some((l) => /and 47 more nodes without a route/.test(l)), logs.join('\n'));
  const reads = routes.reads;
  // A heartbeat-like status change (conditions), then a new node that is also unroutable.
  const b = node('b', '10.42.1.0/24', '192.168.1.11') as ReturnType<typeof node> & { status: Record<string, unknown> };
  b.status.conditions = [{ type: 'Ready', status: 'True' }];
  fake.put('nodes', b);
  fake.put('nodes', node('hollow-x', '10.42.99.0/24', '10.200.1.1'));
  await until(() => logs.some((l) => /hollow-x/.test(l)), 'hollow-x seen');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(routes.reads, reads, 'no kernel reads for changes that move no route');
  // syncNow reads the kernel afresh (and would repair a route deleted behind our back).
  routes.own = [];
  await mgr.syncNow();
  assert.equal(routes.reads, reads + 1);
  assert.deepEqual(routes.table(), ['10.42.1.0/24 via 192.168.1.11 dev eth0']);
});
