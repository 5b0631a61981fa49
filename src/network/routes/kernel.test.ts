// The real kernel: a network namespace plays "node B", joined to the host by a veth pair
// on a private /30, with an address of its pod CIDR on its loopback and a listener on it.
// The manager, fed Nodes by a FakeApiServer, must route B's pod CIDR via B's address,
// carry a packet there and back, follow B's changes, and leave foreign routes alone.
// Its routes use protocol/metric 76 here, so that a real agent on the machine (75) and
// this test never see each other's routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { addNetns, deleteNetns, spawnInNetns } from '../cni/testing/netns.js';
import { PodRouteManager } from './manager.js';
import { IpRouteTable } from './kernel.js';

const execFileP = promisify(execFile);
const ip = async (...args: string[]) => (await execFileP('ip', args)).stdout;

const PROTO = 76;
const HOST_ADDR = '192.168.237.1';
const B_ADDR = '192.168.237.2';
const B_POD_IP = '10.42.200.1';
const PORT = 18_237;
const resources = [...coreResources, { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }];

interface JsonRoute { dst: string; gateway?: string; dev?: string; metric?: number; protocol?: string }
async function routesOf(...filter: string[]): Promise<JsonRoute[]> {
  const out = (await ip('-j', '-4', 'route', 'show', 'table', 'main', ...filter)).trim();
  return out === '' ? [] : (JSON.parse(out) as JsonRoute[]);
}

function node(name: string, podCIDR: string, address: string) {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { podCIDR }, status: { addresses: [{ type: 'InternalIP', address }] } };
}

/** Connects to host:port, sends a line, answers the listener's reply (the source address it saw). */
function ask(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, timeout: 5000 });
    let data = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write('who am i\n'));
    s.on('data', (c: string) => (data += c));
    s.on('end', () => resolve(data.trim()));
    s.on('timeout', () => { s.destroy(); reject(new Error(`no answer from ${host}:${port}`)); });
    s.on('error', reject);
  });
}

test('host-gw routes in the real kernel, to a node B in a network namespace', async (t) => {
  // The test subnets must be free on this machine, or the test would change real routing.
  const taken = (await ip('-4', '-o', 'addr', 'show')).includes('192.168.237.')
    || (await routesOf()).some((r) => r.dst.startsWith('192.168.237.') || r.dst.startsWith('10.42.20'));
  if (taken) return t.skip('192.168.237.0/30 or 10.42.200.0/22 is in use here');

  const ns = `k8tst-rtb-${process.pid}`;
  const hostIf = `k8tst-rt${process.pid % 100000}`;
  let listener: ChildProcess | undefined;
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  const table = new IpRouteTable({ protocol: PROTO, metric: PROTO });
  const mgr = new PodRouteManager({ client, nodeName: 'node-a', log, routes: table, minSyncIntervalMs: 10, retryMs: 100 });
  t.after(async () => {
    listener?.kill('SIGKILL');
    await mgr.stop();
    await mgr.removeAll().catch(() => {});
    await ip('-4', 'route', 'flush', 'table', 'main', 'proto', String(PROTO)).catch(() => {});
    await ip('-4', 'route', 'del', '10.42.203.0/24').catch(() => {});
    await ip('-4', 'route', 'del', '10.42.204.0/24').catch(() => {});
    await ip('link', 'delete', 'dev', hostIf).catch(() => {});
    await deleteNetns(ns);
    client.close();
    await fake.stop();
  });

  await addNetns(ns);
  await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  await ip('addr', 'add', `${HOST_ADDR}/30`, 'dev', hostIf);
  await ip('link', 'set', hostIf, 'up');
  await ip('-n', ns, 'addr', 'add', `${B_ADDR}/30`, 'dev', 'eth0');
  await ip('-n', ns, 'link', 'set', 'eth0', 'up');
  await ip('-n', ns, 'link', 'set', 'lo', 'up');
  await ip('-n', ns, 'addr', 'add', `${B_POD_IP}/32`, 'dev', 'lo');
  // Node B's "pod": answers each connection with the source address it came from.
  listener = spawnInNetns(ns, [process.execPath, '-e',
    `require('net').createServer((s) => { s.on('data', () => s.end(s.remoteAddress + '\\n')); }).listen(${PORT}, '${B_POD_IP}', () => console.log('listening'));`]);
  await new Promise<void>((resolve, reject) => {
    listener!.stdout!.on('data', (c: Buffer) => { if (c.toString().includes('listening')) resolve(); });
    listener!.on('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });

  // A route someone else made, through the same link: it must survive everything below.
  await ip('-4', 'route', 'add', '10.42.203.0/24', 'via', B_ADDR, 'dev', hostIf, 'proto', 'static');
  // And one at our very metric, which `ip route replace` would overwrite: the manager must not.
  await ip('-4', 'route', 'add', '10.42.204.0/24', 'via', B_ADDR, 'dev', hostIf, 'proto', 'static', 'metric', String(PROTO));

  fake.put('nodes', node('node-a', '10.42.0.0/24', '192.0.2.250'));
  fake.put('nodes', node('node-b', '10.42.200.0/24', B_ADDR));
  fake.put('nodes', node('node-far', '10.42.201.0/24', '198.51.100.7'));
  fake.put('nodes', node('node-squat', '10.42.203.0/24', B_ADDR));
  fake.put('nodes', node('node-blocked', '10.42.204.0/24', B_ADDR));
  await mgr.start();

  const ours = await routesOf('proto', String(PROTO));
  assert.deepEqual(ours.map((r) => ({ dst: r.dst, gateway: r.gateway, dev: r.dev, metric: r.metric })), [
    { dst: '10.42.200.0/24', gateway: B_ADDR, dev: hostIf, metric: PROTO },
    // node-squat's CIDR has a foreign route at a different metric; ours sits beside it.
    { dst: '10.42.203.0/24', gateway: B_ADDR, dev: hostIf, metric: PROTO },
  ]);
  assert.ok(logs.some((l) => /node node-blocked's pods: a route to 10\.42\.204\.0\/24 .* did not make/.test(l)), logs.join('\n'));
  assert.ok(logs.some((l) => /node node-far's pods: .*198\.51\.100\.7 is not on a directly connected subnet/.test(l)), logs.join('\n'));

  // A packet to node B's pod address goes out over the veth and the answer comes back.
  assert.equal(await ask(B_POD_IP, PORT), HOST_ADDR);

  // node-b moves to another pod CIDR: the old route goes, the new one comes.
  fake.put('nodes', node('node-b', '10.42.202.0/24', B_ADDR));
  await until(async () => (await routesOf('proto', String(PROTO))).map((r) => r.dst).join() === '10.42.202.0/24,10.42.203.0/24', 'route follows the new CIDR', 5000, 50);

  // node-b deleted: its route goes; the foreign one and node-squat's stay.
  fake.remove('nodes', undefined, 'node-b');
  await until(async () => (await routesOf('proto', String(PROTO))).map((r) => r.dst).join() === '10.42.203.0/24', 'route of deleted node removed', 5000, 50);

  // removeAll (uninstall) deletes ours only.
  await mgr.stop();
  assert.equal(await mgr.removeAll(), 1);
  assert.deepEqual(await routesOf('proto', String(PROTO)), []);
  for (const dst of ['10.42.203.0/24', '10.42.204.0/24']) {
    assert.deepEqual((await routesOf('exact', dst)).map((r) => [r.gateway, r.protocol]), [[B_ADDR, 'static']], dst);
  }
});
