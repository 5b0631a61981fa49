// The pod network against the real reference plugins, in network namespaces this test
// creates (ip netns add) on a pod CIDR and bridge of its own. Traffic stays inside those
// namespaces and the test bridge. Everything is removed in finally, even on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CniPodNetwork, type CniPodNetworkOptions } from './pod-network.js';
import { CniPluginError, PodNetworkSetupError } from './errors.js';
import { nftTableExists, linkExists, runCommand } from './host.js';
import { addNetns, deleteNetns, inNetns, listNetns, spawnInNetns } from './testing/netns.js';
import type { PodLike } from './types.js';

const execFileP = promisify(execFile);
const CIDR = '10.42.250.0/24';
const GATEWAY = '10.42.250.1';
const BRIDGE = 'k8tst0';
const TABLE = 'k8tst-podnet';
const NET = 'k8tst';
const HOST_PORT = 18431;
// A benchmarking range (RFC 2544), unlikely to be routed anywhere on a real host.
const EXT_HOST_IP = '198.18.250.1';
const EXT_IP = '198.18.250.2';
const EXT_HOST_IF = 'k8tstx';
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const canRun = process.getuid?.() === 0 && existsSync('/usr/lib/cni/bridge');

function pod(name: string, hostPort?: number): PodLike {
  return {
    metadata: { namespace: 'cni-test', name, uid: `uid-${name}` },
    spec: { containers: [{ ports: hostPort ? [{ containerPort: 8080, hostPort }] : [] }] },
  };
}

async function leases(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'agent', 'cni', 'networks', NET)).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith('10.'));
}

async function ping(ns: string, ip: string): Promise<void> {
  // A few tries: the first packets may race the bridge port reaching forwarding state.
  let last = '';
  for (let i = 0; i < 10; i++) {
    const r = await inNetns(ns, ['busybox', 'ping', '-c', '1', '-W', '3', ip]);
    if (r.code === 0) return;
    last = r.out;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.fail(`ping ${ip} from ${ns} failed: ${last}`);
}

/** Connects from the host to the node address and hostPort, sending a line, until the pod's listener gets it. */
async function sendThroughHostPort(ns: string, message: string): Promise<string> {
  const listener = spawnInNetns(ns, ['busybox', 'nc', '-l', '-p', '8080']);
  let received = '';
  listener.stdout!.on('data', (b: Buffer) => { received += b.toString(); });
  try {
    const deadline = Date.now() + 60_000;
    while (!received.includes(message) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const s = connect({ host: GATEWAY, port: HOST_PORT }, () => s.end(`${message}\n`));
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        s.setTimeout(5000, () => s.destroy());
      });
      if (!received.includes(message)) await new Promise((res) => setTimeout(res, 500));
    }
    return received;
  } finally {
    if (listener.exitCode === null && listener.pid) process.kill(listener.pid, 'SIGKILL');
  }
}

test('CniPodNetwork with the real plugins', { skip: !canRun && 'needs root and /usr/lib/cni' }, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8ts-cni-'));
  const suffix = String(process.pid);
  const names = { a: `k8tst-a-${suffix}`, b: `k8tst-b-${suffix}`, c: `k8tst-c-${suffix}`, d: `k8tst-d-${suffix}`, ext: `k8tst-x-${suffix}` };
  const opts: CniPodNetworkOptions = { dataDir, podCIDR: CIDR, bridgeName: BRIDGE, nftTable: TABLE, networkName: NET, log: quiet };
  const net = new CniPodNetwork(opts);
  const badBridge = 'k8tst1';
  const bad = new CniPodNetwork({ ...opts, podCIDR: '10.42.250.0/99', bridgeName: badBridge, nftTable: 'k8tst-bad', networkName: 'k8tstbad' });
  try {
    const paths = { a: await addNetns(names.a), b: await addNetns(names.b), c: await addNetns(names.c) };
    await addNetns(names.ext);
    const sbD = { id: `sandbox-d-${suffix}`, netnsPath: await addNetns(names.d) };
    const sbA = { id: `sandbox-a-${suffix}`, netnsPath: paths.a };
    const sbB = { id: `sandbox-b-${suffix}`, netnsPath: paths.b };
    const sbC = { id: `sandbox-c-${suffix}`, netnsPath: paths.c };
    await net.setUpNode();

    let ipA = '';
    let ipB = '';
    await t.test('node setup writes the conflist and the masquerade table', async () => {
      assert.ok(existsSync(net.confPath));
      assert.ok(await nftTableExists(TABLE));
      const table = await runCommand('nft', ['list', 'table', 'ip', TABLE]);
      assert.match(table, /ip saddr 10\.42\.250\.0\/24 ip daddr != 10\.42\.0\.0\/16 masquerade/);
    });

    await t.test('two pods get addresses from the pod CIDR and reach each other and the node', async () => {
      // Concurrently, as pod workers do: the plugins lock host-local and create the bridge once.
      const [rA, rB] = await Promise.all([net.setUp(pod('a', HOST_PORT), sbA), net.setUp(pod('b'), sbB)]);
      ipA = rA.ip;
      ipB = rB.ip;
      assert.deepEqual(rB.ips, [ipB]);
      assert.match(ipA, /^10\.42\.250\.\d+$/);
      assert.match(ipB, /^10\.42\.250\.\d+$/);
      assert.notEqual(ipA, ipB);
      assert.deepEqual((await leases(dataDir)).sort(), [ipA, ipB].sort());
      const lo = await inNetns(names.a, ['ip', 'link', 'show', 'lo']);
      assert.match(lo.out, /UP/, 'loopback is up');
      await ping(names.a, ipB);
      await ping(names.b, ipA);
      await ping(names.a, GATEWAY);
      // The node reaches pods directly too (the kubelet's probes do).
      const fromHost = await execFileP('busybox', ['ping', '-c', '1', '-W', '5', ipB]).then(() => true, () => false);
      assert.ok(fromHost, `host pings ${ipB}`);
    });

    await t.test('the cache records the plugins each attachment ran: portmap only for the pod with a hostPort', async () => {
      const chain = async (id: string) => {
        const file = join(dataDir, 'agent', 'cni', 'cache', 'results', `${NET}-${id}-eth0`);
        return (JSON.parse(await readFile(file, 'utf8')) as { config: { plugins: Array<{ type: string }> } }).config.plugins.map((p) => p.type);
      };
      assert.deepEqual(await chain(sbA.id), ['bridge', 'portmap']);
      assert.deepEqual(await chain(sbB.id), ['bridge']);
    });

    await t.test('setUp of an attached sandbox returns the same address', async () => {
      assert.equal((await net.setUp(pod('a', HOST_PORT), sbA)).ip, ipA);
      assert.equal((await leases(dataDir)).length, 2);
    });

    await t.test('a hostPort reaches the pod from the host through portmap', async () => {
      const got = await sendThroughHostPort(names.a, 'hello-through-portmap');
      assert.match(got, /hello-through-portmap/);
    });

    await t.test('pod traffic leaving the cluster CIDR is masqueraded to the node address', async () => {
      // An "outside" host: a namespace of our own behind a veth, with no route back to
      // the pod CIDR, so a reply can only arrive if the source was rewritten.
      await execFileP('ip', ['link', 'add', EXT_HOST_IF, 'type', 'veth', 'peer', 'name', 'ext0', 'netns', names.ext]);
      await execFileP('ip', ['addr', 'add', `${EXT_HOST_IP}/30`, 'dev', EXT_HOST_IF]);
      await execFileP('ip', ['link', 'set', EXT_HOST_IF, 'up']);
      await inNetns(names.ext, ['ip', 'addr', 'add', `${EXT_IP}/30`, 'dev', 'ext0']);
      await inNetns(names.ext, ['ip', 'link', 'set', 'ext0', 'up']);
      const listener = spawnInNetns(names.ext, ['busybox', 'nc', '-l', '-p', '9000']);
      let received = '';
      listener.stdout!.on('data', (b: Buffer) => { received += b.toString(); });
      try {
        const deadline = Date.now() + 60_000;
        while (!received.includes('from-pod') && Date.now() < deadline) {
          await inNetns(names.b, ['busybox', 'sh', '-c', `echo from-pod | busybox nc -w 3 ${EXT_IP} 9000`]);
          if (!received.includes('from-pod')) await new Promise((res) => setTimeout(res, 500));
        }
        assert.match(received, /from-pod/);
      } finally {
        if (listener.exitCode === null && listener.pid) process.kill(listener.pid, 'SIGKILL');
        await execFileP('ip', ['link', 'delete', EXT_HOST_IF]).catch(() => {});
      }
    });

    await t.test('tearDown releases the address and port mapping, and is idempotent', async () => {
      await net.tearDown(pod('a', HOST_PORT), sbA);
      assert.deepEqual(await leases(dataDir), [ipB]);
      assert.equal((await inNetns(names.a, ['ip', 'link', 'show', 'eth0'])).code !== 0, true, 'eth0 removed');
      const nat = (await execFileP('iptables-save', ['-t', 'nat'])).stdout;
      assert.equal(nat.includes(sbA.id), false, 'portmap rules for the sandbox removed');
      await net.tearDown(pod('a', HOST_PORT), sbA);
      await net.tearDown(pod('never'), { id: `never-${suffix}`, netnsPath: '/run/netns/does-not-exist' });
    });

    await t.test('a restarted agent (new instance) finds and deletes attachments from its cache', async () => {
      const restarted = new CniPodNetwork(opts);
      await restarted.setUpNode(); // again, as at every agent start: replaces, never duplicates
      const tables = await runCommand('nft', ['list', 'tables', 'ip']);
      assert.equal(tables.split('\n').filter((l) => l.trim() === `table ip ${TABLE}`).length, 1);
      assert.equal((await restarted.setUp(pod('b'), sbB)).ip, ipB, 'same address after restart');
      assert.deepEqual(await restarted.listAttachments(), [{ sandboxId: sbB.id, netnsPath: sbB.netnsPath, podRef: 'cni-test/b' }]);
      await restarted.tearDownSandbox(sbB.id);
      assert.deepEqual(await restarted.listAttachments(), []);
      await restarted.tearDown(pod('b'), sbB);
      assert.deepEqual(await leases(dataDir), []);
      assert.notEqual((await inNetns(names.b, ['ip', 'link', 'show', 'eth0'])).code, 0, 'eth0 removed');
    });

    await t.test('an agent that crashed during ADD cleans up from its cache on the next setUp', async () => {
      const first = await net.setUp(pod('c'), sbC);
      // What a crash between ADD and the final cache write leaves: the entry without a result.
      const file = join(dataDir, 'agent', 'cni', 'cache', 'results', `${NET}-${sbC.id}-eth0`);
      const entry = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      delete entry.result;
      await writeFile(file, JSON.stringify(entry));
      const second = await new CniPodNetwork(opts).setUp(pod('c'), sbC);
      assert.notEqual(second.ip, first.ip, 'host-local hands out the next address');
      assert.deepEqual(await leases(dataDir), [second.ip], 'the half-made attachment was deleted');
      const addrs = await inNetns(names.c, ['ip', '-4', 'addr', 'show', 'eth0']);
      assert.match(addrs.out, new RegExp(`inet ${second.ip.replace(/\./g, '\\.')}/24`));
    });

    await t.test('tearDown succeeds when the namespace is already gone', async () => {
      const { ip } = await net.setUp(pod('c'), sbC);
      assert.deepEqual(await leases(dataDir), [ip]);
      await deleteNetns(names.c);
      await net.tearDown(pod('c'), sbC);
      assert.deepEqual(await leases(dataDir), []);
    });

    await t.test('bandwidth annotations shape the pod through the bandwidth plugin', async () => {
      const shaped: PodLike = {
        ...pod('d'),
        metadata: { namespace: 'cni-test', name: 'd', uid: 'uid-d', annotations: { 'kubernetes.io/ingress-bandwidth': '10M', 'kubernetes.io/egress-bandwidth': '5M' } },
      };
      await net.setUp(shaped, sbD);
      const file = join(dataDir, 'agent', 'cni', 'cache', 'results', `${NET}-${sbD.id}-eth0`);
      const cached = JSON.parse(await readFile(file, 'utf8')) as { result: { interfaces: Array<{ name: string; sandbox?: string }> } };
      const names = cached.result.interfaces.map((i) => i.name);
      const hostVeth = cached.result.interfaces.find((i) => i.name.startsWith('veth') && !i.sandbox)?.name;
      assert.ok(hostVeth, `host veth in ${names.join(',')}`);
      const ifb = names.find((n) => n.startsWith('bwp'));
      assert.ok(ifb, `the plugin's ifb device in ${names.join(',')}`);
      const qdiscs = (await execFileP('tc', ['qdisc', 'show', 'dev', hostVeth])).stdout;
      assert.match(qdiscs, /tbf .*rate 10Mbit/, 'ingress to the pod limited on the host veth');
      assert.match((await execFileP('tc', ['qdisc', 'show', 'dev', ifb])).stdout, /tbf .*rate 5Mbit/, 'egress limited on the ifb');
      await net.tearDown(shaped, sbD);
      assert.equal(await linkExists(ifb), false, 'ifb removed');
      await assert.rejects(net.setUp({ ...shaped, metadata: { ...shaped.metadata, annotations: { 'kubernetes.io/egress-bandwidth': 'x' } } }, sbD),
        /kubernetes\.io\/egress-bandwidth/);
      assert.deepEqual(await leases(dataDir), []);
    });

    await t.test('a sandbox without a network namespace is refused', async () => {
      await assert.rejects(net.setUp(pod('hostnet'), { id: `hostnet-${suffix}`, netnsPath: '' }), PodNetworkSetupError);
    });

    await t.test('a plugin error surfaces as CniPluginError naming the pod and plugin', async () => {
      await assert.rejects(bad.setUp(pod('bad'), { id: `sandbox-bad-${suffix}`, netnsPath: paths.b }), (err: unknown) => {
        assert.ok(err instanceof CniPluginError);
        assert.equal(err.pod, 'cni-test/bad');
        assert.equal(err.plugin, 'bridge');
        assert.equal(err.command, 'ADD');
        assert.match(err.message, /cni-test\/bad/);
        console.log(err.message);
        return true;
      });
    });
  } finally {
    await bad.tearDownNode().catch(() => {});
    await net.tearDownNode().catch((e: unknown) => console.error(e));
    await execFileP('ip', ['link', 'delete', EXT_HOST_IF]).catch(() => {});
    for (const n of Object.values(names)) await deleteNetns(n);
    await rm(dataDir, { recursive: true, force: true });
  }
  assert.equal((await listNetns()).some((n) => n.includes(`-${suffix}`)), false, 'namespaces removed');
  assert.equal(await nftTableExists(TABLE), false, 'nft table removed');
  assert.equal(await linkExists(BRIDGE), false, 'bridge removed');
  assert.equal(await linkExists(badBridge), false);
});
