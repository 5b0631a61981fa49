// `k8ts uninstall` on a node with running pods (one with a hostPort, one with tmpfs
// volumes) and a Service: it refuses while the server runs; after the server stops (the
// pods keep running under conmon) it removes every container, the pod network, the
// proxy's and portmap's rules, the DNS link, routes, cgroups, mounts and the data dir.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { k8tsBin, type TestServer } from './harness.js';
import { bb, eventually, Kube, podManifest, skipReason, startAgentServer, stopAgentServer } from './agent-fixture.js';

const uninstall = (...args: string[]) => spawnSync(process.execPath, [k8tsBin, 'uninstall', ...args], { encoding: 'utf8', timeout: 120_000 });
const succeeds = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const stdoutOf = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout ?? '';
const mountsUnder = (dir: string) => readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir));
const conmonsOf = (dir: string) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try {
    const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8');
    return argv.startsWith('/usr/bin/conmon') || argv.split('\0')[0]?.endsWith('conmon') ? argv.includes(dir) : false;
  } catch {
    return false;
  }
});
const cgroupsNamed = (name: string) => readdirSync('/sys/fs/cgroup').filter((h) => existsSync(`/sys/fs/cgroup/${h}/${name}`));

describe('k8ts uninstall', { skip: skipReason }, () => {
  let server: TestServer | undefined;
  let k: Kube;

  before(async () => {
    server = await startAgentServer('uninstall');
    k = new Kube(server);
  });

  test('refuses while the server runs; afterwards leaves no container, rule, route, cgroup, mount or file', async () => {
    const s = server!;
    const dataDir = s.dataDir;
    await k.ok('create', 'secret', 'generic', 'creds', '--from-literal=password=hunter2');
    await k.apply(podManifest('with-port', { containers: [bb('web', 'mkdir -p /www; echo ok > /www/index.html; exec httpd -f -p 8080 -h /www', { ports: [{ containerPort: 8080, hostPort: 18089 }] })] }, { app: 'web' }));
    await k.apply(podManifest('with-tmpfs', {
      containers: [bb('sleeper', 'trap "exit 0" TERM; while true; do sleep 1; done', { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }, { name: 'creds', mountPath: '/creds' }] })],
      volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory' } }, { name: 'creds', secret: { secretName: 'creds' } }],
    }));
    await k.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    for (const name of ['with-port', 'with-tmpfs']) {
      await eventually(`${name} to run`, async () => ((await k.pod(name)).status.containerStatuses?.[0]?.ready ? true : undefined), 90_000);
    }
    await eventually('the proxy to serve the service', () => (stdoutOf('nft', 'list', 'table', 'ip', 'k8ts-proxy').includes(':8080') ? true : undefined));
    assert.ok(stdoutOf('iptables', '-t', 'nat', '-S', 'CNI-HOSTPORT-DNAT').includes('18089'), 'portmap wrote the hostPort rule');
    assert.ok(mountsUnder(dataDir).length >= 4, 'overlays, the shm and tmpfs volumes are mounted under the data dir');

    const refused = uninstall('--data-dir', dataDir);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`k8ts server \\(pid ${s.pid}\\) is running with data dir ${dataDir}: stop it first`));
    assert.ok(succeeds('ip', 'link', 'show', 'k8ts0'), 'a refused uninstall touches nothing');

    // Pods outlive the server: uninstall is what stops them.
    assert.equal(await s.stop('SIGTERM'), 0);
    const conmons = conmonsOf(dataDir);
    assert.equal(conmons.length, 2, 'both containers still run under conmon');

    const r = uninstall('--data-dir', dataDir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /removed 2 container\(s\)/);
    assert.match(r.stderr, /released 2 pod network attachment\(s\)/);
    assert.match(r.stderr, /done: nothing of k8ts is left on this machine/);
    // conmon exits on its own once it has recorded its container's exit.
    await eventually('every conmon to exit', () => (conmons.every((p) => !existsSync(`/proc/${p}`)) ? true : undefined), 10_000, 100);
    assert.deepEqual(cgroupsNamed('kubepods'), [], 'no kubepods cgroup in any hierarchy (so no container process either)');
    assert.deepEqual(cgroupsNamed('k8ts'), [], 'nor the cgroups of k8ts ctr\'s containers');
    assert.equal(succeeds('ip', 'link', 'show', 'k8ts0'), false, 'bridge k8ts0 removed');
    assert.equal(succeeds('ip', 'link', 'show', 'k8ts-dns'), false, 'link k8ts-dns removed');
    assert.equal(succeeds('nft', 'list', 'table', 'ip', 'k8ts-podnet'), false, 'table k8ts-podnet removed');
    assert.equal(succeeds('nft', 'list', 'table', 'ip', 'k8ts-proxy'), false, 'table k8ts-proxy removed');
    assert.equal(stdoutOf('ip', 'route', 'show', 'proto', '75').trim(), '', 'no pod routes');
    assert.doesNotMatch(stdoutOf('iptables', '-t', 'nat', '-S'), /18089/, 'the hostPort rule went with its pod');
    assert.doesNotMatch(stdoutOf('iptables', '-S', 'FORWARD'), /k8ts-podnet/);
    assert.deepEqual(mountsUnder(dataDir), []);
    assert.equal(existsSync(dataDir), false, 'the data dir is gone');

    const again = uninstall('--data-dir', dataDir);
    assert.equal(again.status, 0, `a second uninstall finds nothing to do and succeeds: ${again.stderr}`);
    server = undefined;
  });

  test('bad flags and directories that are not k8ts\' are refused with a reason', () => {
    const bad = uninstall('--bogus');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /k8ts uninstall: .*--bogus/);
    const notOurs = uninstall('--data-dir', '/usr/share');
    assert.equal(notOurs.status, 1);
    assert.match(notOurs.stderr, /\/usr\/share holds none of k8ts' files/);
    assert.ok(existsSync('/usr/share/doc'));
  });

  after(async () => {
    if (server) await stopAgentServer(server);
  }, { timeout: 180_000 });
});
