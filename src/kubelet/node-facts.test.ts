// The small conversions: resources to CRI units and the QoS cgroup layout, DNS and
// /etc/hosts per pod, pull policy and pull-secret credentials.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { podCgroupName } from './cgroups/pod-cgroups.js';
import { hostsText, podDnsConfig, resolvConfText, writePodEtcFiles } from './etc-files.js';
import { credentialsFor, goDuration, pullPolicy, registryOf } from './images.js';
import { containerResources, podResources, qosClass } from './resources.js';
import type { Pod } from './types.js';

const base = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'web-0', namespace: 'shop', uid: 'u1' }, spec: { containers: [{ name: 'c' }], ...spec } });

test('resources: shares from requests, quota from limits over 100 ms, memory limit bytes', () => {
  assert.deepEqual(containerResources({ name: 'c', resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '128Mi' } } }), { cpuShares: 256, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: 134217728 });
  assert.deepEqual(containerResources({ name: 'c' }), { cpuShares: 2, cpuPeriod: 100000 });
  assert.equal(containerResources({ name: 'c', resources: { limits: { cpu: '1m' } } }).cpuQuota, 1000, 'quota has a 1 ms floor');
  const g = base({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
  assert.equal(qosClass(g), 'Guaranteed');
  assert.deepEqual(podResources(g), { cpuShares: 2048, cpuPeriod: 100000, cpuQuota: 200000, memoryLimitInBytes: 2 * 2 ** 30 });
  assert.equal(podCgroupName('u1', 'Guaranteed'), '/kubepods/podu1');
  assert.equal(podCgroupName('u1', 'Burstable'), '/kubepods/burstable/podu1');
  assert.equal(podCgroupName('u1', 'BestEffort'), '/kubepods/besteffort/podu1');
});

test('DNS: ClusterFirst, hostNetwork falls back to the host, ClusterFirstWithHostNet, Default, dnsConfig', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-dns-'));
  try {
    const host = path.join(dir, 'resolv.conf');
    await writeFile(host, 'nameserver 192.0.2.53\nsearch corp.example\noptions edns0\n');
    const dns = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf: host };
    assert.equal(resolvConfText(await podDnsConfig(base(), dns)), 'nameserver 10.43.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
    assert.deepEqual((await podDnsConfig(base({ hostNetwork: true }), dns)).servers, ['192.0.2.53']);
    assert.deepEqual((await podDnsConfig(base({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), dns)).servers, ['10.43.0.10']);
    assert.deepEqual(await podDnsConfig(base({ dnsPolicy: 'Default' }), dns), { servers: ['192.0.2.53'], searches: ['corp.example'], options: ['edns0'] });
    const custom = await podDnsConfig(base({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['x.example'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] } }), dns);
    assert.equal(resolvConfText(custom), 'nameserver 1.1.1.1\nsearch x.example\noptions ndots:2 rotate\n');
    const mounts = await writePodEtcFiles(path.join(dir, 'pod'), base({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['a', 'b'] }] }), ['10.42.0.7'], dns);
    assert.deepEqual(mounts.map((m) => m.containerPath), ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);
    const hosts = await readFile(mounts[0].hostPath, 'utf8');
    assert.match(hosts, /^10\.42\.0\.7\tweb-0$/m);
    assert.match(hosts, /^10\.0\.0\.1\ta\tb$/m);
    assert.equal(await readFile(mounts[1].hostPath, 'utf8'), 'web-0\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('/etc/hosts names the pod by hostname.subdomain FQDN when it has one', () => {
  const text = hostsText(base({ hostname: 'db', subdomain: 'svc1' }), ['10.42.0.8'], 'cluster.local');
  assert.match(text, /^10\.42\.0\.8\tdb\.svc1\.shop\.svc\.cluster\.local\tdb$/m);
});

test('images: default pull policy, registry of a reference, credentials from pull secrets', () => {
  assert.equal(pullPolicy({ name: 'c', image: 'busybox' }), 'Always');
  assert.equal(pullPolicy({ name: 'c', image: 'busybox:latest' }), 'Always');
  assert.equal(pullPolicy({ name: 'c', image: 'busybox:1.36' }), 'IfNotPresent');
  assert.equal(pullPolicy({ name: 'c', image: 'localhost:5000/x' }), 'Always');
  assert.equal(registryOf('localhost:5000/x:1'), 'localhost:5000');
  assert.equal(registryOf('library/busybox'), 'docker.io');
  assert.equal(registryOf('busybox'), 'docker.io');
  const cfg = JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw1').toString('base64') }, 'reg.example:5000': { username: 'u', password: 'p:w' } } });
  const secrets = [{ '.dockerconfigjson': cfg }];
  assert.deepEqual(credentialsFor('reg.example:5000/app:1', secrets), { username: 'u', password: 'p:w', identityToken: undefined });
  assert.deepEqual(credentialsFor('busybox', secrets), { username: 'hub', password: 'pw1', identityToken: undefined });
  assert.equal(credentialsFor('other.example/app', secrets), undefined);
  assert.deepEqual(credentialsFor('reg.example:5000/app', [{ '.dockercfg': JSON.stringify({ 'reg.example:5000': { auth: Buffer.from('a:b:c').toString('base64') } }) }]), { username: 'a', password: 'b:c', identityToken: undefined });
});

test('pull durations are printed as Go prints them', () => {
  assert.deepEqual([0, 7, 523, 1200, 61_500].map(goDuration), ['0s', '7ms', '523ms', '1.2s', '1m1.5s']);
});
