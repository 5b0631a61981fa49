// Pod to pod across "nodes" in the real kernel, without an agent: a pod attached by
// CniPodNetwork (real plugins, a bridge, nft table and cluster CIDR of the test's own)
// talks to "node B" (a network namespace behind a veth pair) through the route
// PodRouteManager makes, both ways, and each side sees the other's own address: no
// masquerade inside the cluster CIDR, and the host forwards between bridge and link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { CniPodNetwork } from '../cni/index.js';
import { addNetns, deleteNetns, inNetns, spawnInNetns } from '../cni/testing/netns.js';
import { PodRouteManager } from './manager.js';
import { IpRouteTable } from './kernel.js';

const execFileP = promisify(execFile);
const ip = async (...args: string[]) => (await execFileP('ip', args)).stdout;
const canRun = process.getuid?.() === 0 && existsSync('/usr/lib/cni/bridge');

// A cluster of the test's own inside 10.42.0.0/16: this node 10.42.252.0/24, node B 10.42.253.0/24.
const CLUSTER = '10.42.252.0/23';
const POD_CIDR = '10.42.252.0/24';
const B_CIDR = '10.42.253.0/24';
const B_POD_IP = '10.42.253.1';
const HOST_ADDR = '192.168.237.9';
const B_ADDR = '192.168.237.10';
const PROTO = 77;
const resources = [...coreResources, { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }];
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** A Node listener answering each connection with the address it came from. */
const echoSource = (host: string, port: number) =>
  `require('net').createServer((s) => { s.on('data', () => s.end('seen-from ' + s.remoteAddress + '\\n')); }).listen(${port}, '${host}', () => console.log('listening'));`;

function listening(p: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    p.stdout!.on('data', (c: Buffer) => { if (c.toString().includes('listening')) resolve(); });
    p.on('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });
}

/** From inside a namespace: connect (from a given source address), send a line, print the answer. */
const askScript = (host: string, port: number, localAddress: string) =>
  `const s = require('net').connect({ host: '${host}', port: ${port}, localAddress: '${localAddress}', timeout: 3000 }, () => s.write('hi\\n'));` +
  `let d = ''; s.on('data', (c) => d += c); s.on('end', () => { console.log(d.trim()); });` +
  `s.on('timeout', () => { console.log('timeout'); s.destroy(); }); s.on('error', (e) => console.log('error ' + e.message));`;

async function ask(ns: string, host: string, port: number, localAddress: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 10; i++) {
    last = (await inNetns(ns, [process.execPath, '-e', askScript(host, port, localAddress)], 10_000)).out.trim();
    if (last.startsWith('seen-from')) return last;
    // The bridge port may still be reaching forwarding state.
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}

test('a pod reaches node B\'s pods through the host-gw route with its own address, and back', { skip: !canRun && 'needs root and /usr/lib/cni' }, async (t) => {
  const taken = (await ip('-4', '-o', 'addr', 'show')).includes('192.168.237.')
    || (await ip('-4', 'route', 'show')).split('\n').some((l) => /^(192\.168\.237\.|10\.42\.25[23]\.)/.test(l));
  if (taken) return t.skip('192.168.237.8/30 or 10.42.252.0/23 is in use here');

  const suffix = String(process.pid % 100000);
  const podNs = `k8tsr-pod-${suffix}`;
  const bNs = `k8tsr-b-${suffix}`;
  const hostIf = `k8tsr-${suffix}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'k8ts-routes-'));
  const net = new CniPodNetwork({ dataDir, podCIDR: POD_CIDR, clusterCIDR: CLUSTER, bridgeName: 'k8tsr0', nftTable: 'k8tsr-podnet', networkName: 'k8tsr', log: quiet });
  const pod = { metadata: { namespace: 'routes-test', name: 'client', uid: `uid-${suffix}` }, spec: { containers: [] } };
  const sandbox = { id: `sandbox-routes-${suffix}`, netnsPath: `/run/netns/${podNs}` };
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const mgr = new PodRouteManager({ client, nodeName: 'node-a', clusterCIDR: CLUSTER, routes: new IpRouteTable({ protocol: PROTO, metric: PROTO }), minSyncIntervalMs: 10, log: quiet });
  const listeners: ChildProcess[] = [];
  t.after(async () => {
    for (const l of listeners) l.kill('SIGKILL');
    await mgr.stop();
    await mgr.removeAll().catch(() => {});
    await net.tearDown(pod, sandbox).catch(() => {});
    await net.tearDownNode().catch(() => {});
    await ip('link', 'delete', 'dev', hostIf).catch(() => {});
    await deleteNetns(podNs);
    await deleteNetns(bNs);
    client.close();
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  // This node's pod network and one pod on it.
  await net.setUpNode();
  await addNetns(podNs);
  const { ip: podIP } = await net.setUp(pod, sandbox);
  // Node B: its pod address on lo, and its own route back to this node's pods.
  await addNetns(bNs);
  await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', bNs);
  await ip('addr', 'add', `${HOST_ADDR}/30`, 'dev', hostIf);
  await ip('link', 'set', hostIf, 'up');
  await ip('-n', bNs, 'addr', 'add', `${B_ADDR}/30`, 'dev', 'eth0');
  await ip('-n', bNs, 'link', 'set', 'eth0', 'up');
  await ip('-n', bNs, 'link', 'set', 'lo', 'up');
  await ip('-n', bNs, 'addr', 'add', `${B_POD_IP}/32`, 'dev', 'lo');
  await ip('-n', bNs, 'route', 'add', POD_CIDR, 'via', HOST_ADDR);

  fake.put('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, spec: { podCIDR: POD_CIDR }, status: { addresses: [{ type: 'InternalIP', address: '192.0.2.250' }] } });
  fake.put('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b' }, spec: { podCIDR: B_CIDR }, status: { addresses: [{ type: 'InternalIP', address: B_ADDR }] } });
  await mgr.start();
  await until(async () => (await ip('-4', 'route', 'show', 'proto', String(PROTO))).includes(`${B_CIDR} via ${B_ADDR} dev ${hostIf}`), 'the route to node B', 5000, 50);

  const inB = spawnInNetns(bNs, [process.execPath, '-e', echoSource(B_POD_IP, 18_239)]);
  listeners.push(inB);
  const inPod = spawnInNetns(podNs, [process.execPath, '-e', echoSource('0.0.0.0', 18_240)]);
  listeners.push(inPod);
  await Promise.all([listening(inB), listening(inPod)]);

  assert.equal(await ask(podNs, B_POD_IP, 18_239, podIP), `seen-from ${podIP}`, 'pod to node B: the pod\'s own address arrives');
  assert.equal(await ask(bNs, podIP, 18_240, B_POD_IP), `seen-from ${B_POD_IP}`, 'node B\'s pod to our pod: its own address arrives');
});
