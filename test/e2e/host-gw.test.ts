// End to end, with a real `k8ts server` and its node agent: a Node "node-b" whose
// InternalIP is a network namespace behind a veth pair gets a host-gw route on the
// server's node, and a pod there reaches node B's pod address with its own pod IP as
// the source (no masquerade inside the cluster CIDR).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestServer } from './harness.js';
import { importTestImage, uninstallNode, otherAgentRuns, testImage as image } from './node-state.js';
import { eventually } from './wait.js';
import { addNetns, deleteNetns, spawnInNetns } from '../../src/network/cni/testing/netns.js';

const ns = `k8tst-hgw-${process.pid}`;
const hostIf = `k8tst-hg${process.pid % 100000}`;
const HOST_ADDR = '192.168.237.5';
const B_ADDR = '192.168.237.6';
const B_POD_IP = '10.42.200.1';
const PORT = 18_238;
const v = '1.33';
const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });


function ourRoutes(): Array<{ dst: string; gateway?: string; dev?: string }> {
  const out = ip('-j', '-4', 'route', 'show', 'table', 'main', 'proto', '75').trim();
  return out === '' ? [] : JSON.parse(out);
}

const otherAgent = otherAgentRuns();
let server: TestServer | undefined;
let listener: ChildProcess | undefined;
const k = (...args: string[]) => server!.ok(v, args);

before(async () => {
  if (otherAgent) return;
  await addNetns(ns);
  ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  ip('addr', 'add', `${HOST_ADDR}/30`, 'dev', hostIf);
  ip('link', 'set', hostIf, 'up');
  ip('-n', ns, 'addr', 'add', `${B_ADDR}/30`, 'dev', 'eth0');
  ip('-n', ns, 'link', 'set', 'eth0', 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'addr', 'add', `${B_POD_IP}/32`, 'dev', 'lo');
  // Node B's own host-gw route back to the server's pods (its agent would make it).
  ip('-n', ns, 'route', 'add', '10.42.0.0/16', 'via', HOST_ADDR);
  listener = spawnInNetns(ns, [process.execPath, '-e',
    `require('net').createServer((s) => { s.on('data', () => s.end('seen-from ' + s.remoteAddress + '\\n')); }).listen(${PORT}, '${B_POD_IP}', () => console.log('listening'));`]);
  await new Promise<void>((resolve, reject) => {
    listener!.stdout!.on('data', (c: Buffer) => { if (c.toString().includes('listening')) resolve(); });
    listener!.on('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-hostgw-'));
  server = await TestServer.start({ dataDir, agent: true });
  importTestImage(dataDir);
  await eventually('the node to be Ready', () => (/\bReady\b/.test(server!.kubectl(v, ['get', 'nodes']).stdout) ? true : undefined));
});

after(async () => {
  listener?.kill('SIGKILL');
  if (server) {
    server.kubectl(v, ['delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s']);
    await server.stop('SIGTERM');
    uninstallNode(server.dataDir);
  }
  // The agent leaves its routes on stop (as it would across a restart); this is the uninstall.
  spawnSync('ip', ['-4', 'route', 'flush', 'table', 'main', 'proto', '75']);
  spawnSync('ip', ['link', 'delete', 'dev', hostIf]);
  await deleteNetns(ns);
});

test('a pod on the server\'s node reaches node B\'s pod CIDR by host-gw, keeping its own source address', { skip: otherAgent ? 'another node agent runs here (k8ts0 exists)' : false }, async () => {
  const self = k('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}').trim();
  const nodeB = {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'node-b', labels: { 'kubernetes.io/hostname': 'node-b' } },
    spec: { podCIDR: '10.42.200.0/24', podCIDRs: ['10.42.200.0/24'] },
  };
  server!.ok(v, ['create', '-f', '-'], JSON.stringify(nodeB));
  // Node addresses are status, which a node's own agent would report.
  k('patch', 'node', 'node-b', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { addresses: [{ type: 'InternalIP', address: B_ADDR }, { type: 'Hostname', address: 'node-b' }] } }));
  await eventually('the host-gw route to node-b', () =>
    ourRoutes().some((r) => r.dst === '10.42.200.0/24' && r.gateway === B_ADDR && r.dev === hostIf) ? true : undefined, 30_000);

  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' },
    spec: {
      nodeName: self, terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image, imagePullPolicy: 'Never', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] }],
    },
  };
  server!.ok(v, ['create', '-f', '-'], JSON.stringify(pod));
  const podIP = await eventually('client to run', () => {
    const p = JSON.parse(k('get', 'pod', 'client', '-o', 'json'));
    return p.status?.phase === 'Running' && p.status.podIP ? (p.status.podIP as string) : undefined;
  });
  assert.match(podIP, /^10\.42\.0\.\d+$/);
  const answer = await eventually('an answer from node B', () => {
    const r = server!.kubectl(v, ['exec', 'client', '--', 'sh', '-c', `echo hi | nc -w 3 ${B_POD_IP} ${PORT}`]);
    return /seen-from/.test(r.stdout) ? r.stdout.trim() : undefined;
  }, 20_000);
  assert.equal(answer, `seen-from ${podIP}`, 'the pod\'s address arrives unmasqueraded');

  // node-b leaves the cluster: its route goes.
  k('delete', 'node', 'node-b');
  await eventually('the route to node-b removed', () => (ourRoutes().some((r) => r.dst === '10.42.200.0/24') ? undefined : true), 30_000);
});
