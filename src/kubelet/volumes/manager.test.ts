import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readlink, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VolumeSetupError } from './errors.js';
import { isMountPoint, mountsUnder } from './mounts.js';
import { fixture, testPod } from './test-fixture.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function modeOf(p: string): Promise<number> {
  return (await stat(p)).mode & 0o7777;
}

test('configMap: every key with defaultMode 0644, items with their own paths and modes', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { 'a.conf': 'A', b: 'B' }, binaryData: { bin: b64('\u0000\u0001') } });
  const pod = testPod([
    { name: 'all', configMap: { name: 'cfg' } },
    { name: 'some', configMap: { name: 'cfg', defaultMode: 0o600, items: [{ key: 'a.conf', path: 'dir/x.conf' }, { key: 'b', path: 'b', mode: 0o400 }] } },
  ]);
  const paths = await f.manager.mountPodVolumes(pod);
  const all = paths.get('all')!;
  assert.equal(all, path.join(f.rootDir, 'pods', pod.metadata.uid!, 'volumes', 'kubernetes.io~configmap', 'all'));
  assert.deepEqual((await readdir(all)).filter((n) => !n.startsWith('..')).sort(), ['a.conf', 'b', 'bin']);
  assert.equal(await readFile(path.join(all, 'a.conf'), 'utf8'), 'A');
  assert.deepEqual([...(await readFile(path.join(all, 'bin')))], [0, 1]);
  assert.equal(await modeOf(path.join(all, 'b')), 0o644);
  const some = paths.get('some')!;
  assert.equal(await readFile(path.join(some, 'dir/x.conf'), 'utf8'), 'A');
  assert.equal(await modeOf(path.join(some, 'dir/x.conf')), 0o600);
  assert.equal(await modeOf(path.join(some, 'b')), 0o400);
  // Idempotent: the same paths again.
  assert.deepEqual(await f.manager.mountPodVolumes(pod), paths);
});

test('configMap and secret: missing objects fail with Kubernetes reasons unless optional', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  await assert.rejects(f.manager.mountPodVolumes(testPod([{ name: 'cfg', configMap: { name: 'x' } }])), (e) => {
    assert.ok(e instanceof VolumeSetupError);
    assert.equal(e.volume, 'cfg');
    assert.equal(e.reason, 'configmap "x" not found');
    assert.equal(e.eventMessage, 'MountVolume.SetUp failed for volume "cfg" : configmap "x" not found');
    return true;
  });
  await assert.rejects(f.manager.mountPodVolumes(testPod([{ name: 's', secret: { secretName: 'nope' } }])), /secret "nope" not found/);
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } });
  await assert.rejects(
    f.manager.mountPodVolumes(testPod([{ name: 'v', configMap: { name: 'cfg', items: [{ key: 'zz', path: 'zz' }] } }])),
    /configmap references non-existent config key: zz/,
  );
  const paths = await f.manager.mountPodVolumes(testPod([
    { name: 'o1', configMap: { name: 'x', optional: true } },
    { name: 'o2', secret: { secretName: 'nope', optional: true } },
    { name: 'o3', configMap: { name: 'cfg', optional: true, items: [{ key: 'zz', path: 'zz' }, { key: 'a', path: 'a' }] } },
  ]));
  assert.deepEqual((await readdir(paths.get('o1')!)).filter((n) => !n.startsWith('..')), []);
  assert.deepEqual((await readdir(paths.get('o2')!)).filter((n) => !n.startsWith('..')), []);
  assert.deepEqual((await readdir(paths.get('o3')!)).filter((n) => !n.startsWith('..')), ['a']);
});

test('update in place: same volume path, ..data swapped, after the refresh interval', async (t) => {
  const f = await fixture(t, { tmpfs: false, refreshIntervalMs: 10_000, refreshJitter: 0 });
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v1' } });
  const pod = testPod([{ name: 'cfg', configMap: { name: 'cfg' } }]);
  const dir = (await f.manager.mountPodVolumes(pod)).get('cfg')!;
  const before = await readlink(path.join(dir, '..data'));
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v2' } });
  // A sync within the interval does not re-read.
  await f.manager.mountPodVolumes(pod);
  assert.equal(await readFile(path.join(dir, 'k'), 'utf8'), 'v1');
  f.clock.advance(10_000);
  assert.equal((await f.manager.mountPodVolumes(pod)).get('cfg'), dir);
  assert.equal(await readFile(path.join(dir, 'k'), 'utf8'), 'v2');
  assert.notEqual(await readlink(path.join(dir, '..data')), before);
  assert.ok((await lstat(path.join(dir, 'k'))).isSymbolicLink());

  // The background loop does the same without a sync.
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v3' } });
  f.manager.start();
  f.clock.advance(10_000);
  await f.manager.stop();
  assert.equal(await readFile(path.join(dir, 'k'), 'utf8'), 'v3');
});

test('downwardAPI: fields, labels rewritten at once when they change', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  const pod = testPod(
    [{ name: 'info', downwardAPI: { items: [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' }, mode: 0o400 },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
    ] } }],
    { labels: { b: '2', a: '1' } },
  );
  const dir = (await f.manager.mountPodVolumes(pod)).get('info')!;
  assert.match(dir, /kubernetes\.io~downward-api\/info$/);
  assert.equal(await readFile(path.join(dir, 'labels'), 'utf8'), 'a="1"\nb="2"');
  assert.equal(await readFile(path.join(dir, 'name'), 'utf8'), 'p');
  assert.equal(await modeOf(path.join(dir, 'name')), 0o400);
  assert.equal(await readFile(path.join(dir, 'mem'), 'utf8'), '32');
  const changed = { ...pod, metadata: { ...pod.metadata, labels: { a: '1', c: '3' } } };
  await f.manager.mountPodVolumes(changed);
  assert.equal(await readFile(path.join(dir, 'labels'), 'utf8'), 'a="1"\nc="3"');
});

test('kube-api-access projected volume: token, ca.crt, namespace; token refreshed at 80% of its life', async (t) => {
  const f = await fixture(t);
  f.api.put('configmaps', { metadata: { name: 'kube-root-ca.crt', namespace: 'default' }, data: { 'ca.crt': 'CA PEM' } });
  const pod = testPod([{
    name: 'kube-api-access-abcde',
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  }]);
  const dir = (await f.manager.mountPodVolumes(pod)).get('kube-api-access-abcde')!;
  assert.match(dir, /kubernetes\.io~projected\/kube-api-access-abcde$/);
  assert.ok(await isMountPoint(dir), 'projected volumes live on tmpfs');
  assert.equal(await readFile(path.join(dir, 'ca.crt'), 'utf8'), 'CA PEM');
  assert.equal(await readFile(path.join(dir, 'namespace'), 'utf8'), 'default');
  const token1 = await readFile(path.join(dir, 'token'), 'utf8');
  assert.equal(await modeOf(path.join(dir, 'token')), 0o644);
  assert.equal(f.tokensIssued.length, 1);
  const req = f.tokensIssued[0]!.body as { spec: { expirationSeconds: number; audiences: string[]; boundObjectRef: Record<string, string> } };
  assert.equal(f.tokensIssued[0]!.sa, 'default');
  assert.equal(req.spec.expirationSeconds, 3607);
  assert.deepEqual(req.spec.audiences, []);
  assert.deepEqual(req.spec.boundObjectRef, { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: pod.metadata.uid });

  // Before 80% of 3607 s: refreshes keep the token.
  f.clock.advance(2800_000);
  await f.manager.refresh();
  assert.equal(f.tokensIssued.length, 1);
  assert.equal(await readFile(path.join(dir, 'token'), 'utf8'), token1);
  // Past 80%: a new token, swapped in place.
  f.clock.advance(100_000);
  await f.manager.refresh();
  assert.equal(f.tokensIssued.length, 2);
  const token2 = await readFile(path.join(dir, 'token'), 'utf8');
  assert.notEqual(token2, token1);

  await f.manager.unmountPodVolumes(pod.metadata.uid!);
  assert.equal(await isMountPoint(dir), false);
  await assert.rejects(stat(path.join(f.rootDir, 'pods', pod.metadata.uid!, 'volumes')), { code: 'ENOENT' });
});

test('secret on tmpfs with base64-decoded keys; emptyDir Memory tmpfs with its sizeLimit; teardown unmounts', async (t) => {
  const f = await fixture(t);
  f.api.put('secrets', { metadata: { name: 's', namespace: 'default' }, data: { password: b64('hunter2') } });
  const pod = testPod([
    { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
    { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
    { name: 'disk', emptyDir: {} },
  ]);
  const paths = await f.manager.mountPodVolumes(pod);
  const sec = paths.get('sec')!;
  assert.match(sec, /kubernetes\.io~secret\/sec$/);
  assert.ok(await isMountPoint(sec));
  assert.equal(await readFile(path.join(sec, 'password'), 'utf8'), 'hunter2');
  assert.equal(await modeOf(path.join(sec, 'password')), 0o400);
  const mem = paths.get('mem')!;
  assert.match(mem, /kubernetes\.io~empty-dir\/mem$/);
  assert.ok(await isMountPoint(mem));
  const line = (await readFile('/proc/mounts', 'utf8')).split('\n').find((l) => l.split(' ')[1] === mem)!;
  assert.match(line, /^tmpfs .* tmpfs .*size=8192k/);
  const disk = paths.get('disk')!;
  assert.equal(await isMountPoint(disk), false);
  assert.equal(await modeOf(disk), 0o777);
  // A second sync mounts nothing twice.
  await f.manager.mountPodVolumes(pod);
  assert.equal((await mountsUnder(f.rootDir)).length, 2);

  await f.manager.unmountPodVolumes(pod.metadata.uid!);
  assert.deepEqual(await mountsUnder(f.rootDir), []);
  await assert.rejects(stat(path.join(f.rootDir, 'pods', pod.metadata.uid!, 'volumes')), { code: 'ENOENT' });
  // Tearing down again (a retried sync) succeeds.
  await f.manager.unmountPodVolumes(pod.metadata.uid!);
});

test('a restarted manager finds pods on disk and tears down what it did not set up', async (t) => {
  const f = await fixture(t);
  f.api.put('secrets', { metadata: { name: 's', namespace: 'default' }, data: { k: b64('v') } });
  const pod = testPod([{ name: 'sec', secret: { secretName: 's' } }, { name: 'mem', emptyDir: { medium: 'Memory' } }]);
  const paths = await f.manager.mountPodVolumes(pod);
  await f.manager.stop();

  const again = f.newManager();
  assert.deepEqual(await again.podsOnDisk(), [pod.metadata.uid]);
  // Setting up the same pod again reuses the mounts.
  assert.deepEqual(await again.mountPodVolumes(pod), paths);
  assert.equal((await mountsUnder(f.rootDir)).length, 2);
  const third = f.newManager();
  await third.unmountPodVolumes(pod.metadata.uid!);
  assert.deepEqual(await mountsUnder(f.rootDir), []);
  assert.deepEqual(await third.podsOnDisk(), []);
});

test('persistentVolumeClaim: bound hostPath and local PVs give their path, unbound claims fail', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  f.api.put('persistentvolumes', { metadata: { name: 'pv-h' }, spec: { hostPath: { path: path.join(f.rootDir, 'data-h'), type: 'DirectoryOrCreate' } } });
  f.api.put('persistentvolumes', { metadata: { name: 'pv-l' }, spec: { local: { path: f.rootDir } } });
  f.api.put('persistentvolumeclaims', { metadata: { name: 'c-h', namespace: 'default' }, spec: { volumeName: 'pv-h' }, status: { phase: 'Bound' } });
  f.api.put('persistentvolumeclaims', { metadata: { name: 'c-l', namespace: 'default' }, spec: { volumeName: 'pv-l' }, status: { phase: 'Bound' } });
  f.api.put('persistentvolumeclaims', { metadata: { name: 'c-p', namespace: 'default' }, spec: {}, status: { phase: 'Pending' } });
  const paths = await f.manager.mountPodVolumes(testPod([
    { name: 'h', persistentVolumeClaim: { claimName: 'c-h' } },
    { name: 'l', persistentVolumeClaim: { claimName: 'c-l' } },
  ]));
  assert.equal(paths.get('h'), path.join(f.rootDir, 'data-h'));
  assert.ok((await stat(paths.get('h')!)).isDirectory());
  assert.equal(paths.get('l'), f.rootDir);
  // A generic ephemeral volume uses the claim <pod>-<volume>.
  f.api.put('persistentvolumeclaims', { metadata: { name: 'p-eph', namespace: 'default' }, spec: { volumeName: 'pv-l' }, status: { phase: 'Bound' } });
  const eph = await f.manager.mountPodVolumes(testPod([{ name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } }]));
  assert.equal(eph.get('eph'), f.rootDir);
  await assert.rejects(
    f.manager.mountPodVolumes(testPod([{ name: 'data', persistentVolumeClaim: { claimName: 'c-p' } }])),
    (e) => e instanceof VolumeSetupError && e.volume === 'data' && e.reason === 'persistentvolumeclaim "c-p" is not bound',
  );
  await assert.rejects(f.manager.mountPodVolumes(testPod([{ name: 'data', persistentVolumeClaim: { claimName: 'nope' } }])), /persistentvolumeclaim "nope" not found/);
});

test('hostPath: the host path itself, type failures name volume and path', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  const paths = await f.manager.mountPodVolumes(testPod([{ name: 'h', hostPath: { path: f.rootDir, type: 'Directory' } }]));
  assert.equal(paths.get('h'), f.rootDir);
  await assert.rejects(
    f.manager.mountPodVolumes(testPod([{ name: 'h', hostPath: { path: '/dev/null', type: 'Directory' } }])),
    (e) => e instanceof VolumeSetupError && e.message === 'MountVolume.SetUp failed for volume "h" : hostPath type check failed: /dev/null is not a directory',
  );
  await assert.rejects(f.manager.mountPodVolumes(testPod([{ name: 'x', nfs: { server: 's', path: '/' } }])), /does not support/);
  await assert.rejects(f.manager.mountPodVolumes(testPod([{ name: 'x', emptyDir: { medium: 'HugePages' } }])), /medium "HugePages" is not supported/);
});

test('emptyDir usage is reported against sizeLimit', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  const pod = testPod([{ name: 'scratch', emptyDir: { sizeLimit: '64Ki' } }, { name: 'free', emptyDir: {} }]);
  const dir = (await f.manager.mountPodVolumes(pod)).get('scratch')!;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path.join(dir, 'big'), Buffer.alloc(256 * 1024, 1));
  const usage = await f.manager.emptyDirUsage(pod.metadata.uid!);
  const scratch = usage.find((u) => u.volume === 'scratch')!;
  assert.ok(scratch.usedBytes >= 256 * 1024, String(scratch.usedBytes));
  assert.equal(scratch.limitBytes, 64 * 1024);
  assert.equal(scratch.overLimit, true);
  const free = usage.find((u) => u.volume === 'free')!;
  assert.equal(free.overLimit, false);
  assert.equal(free.limitBytes, undefined);
});

test('a refresh that cannot read the object keeps the last content', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v1' } });
  const pod = testPod([{ name: 'cfg', configMap: { name: 'cfg' } }]);
  const dir = (await f.manager.mountPodVolumes(pod)).get('cfg')!;
  f.api.remove('configmaps', 'default', 'cfg');
  await f.manager.refresh();
  assert.equal(await readFile(path.join(dir, 'k'), 'utf8'), 'v1');
  // A sync past the interval still answers the volume (running containers keep working)...
  f.clock.advance(10_000);
  assert.equal((await f.manager.mountPodVolumes(pod)).get('cfg'), dir);
  assert.equal(await readFile(path.join(dir, 'k'), 'utf8'), 'v1');
  // ...while a pod that never had the volume fails.
  await assert.rejects(f.manager.mountPodVolumes(testPod([{ name: 'cfg', configMap: { name: 'cfg' } }])), /configmap "cfg" not found/);
});

test('fsGroup: API data group-readable and owned by the group; emptyDir setgid', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v' } });
  const pod = testPod([{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o400, items: [{ key: 'k', path: 'd/k' }] } }, { name: 'scratch', emptyDir: {} }]);
  pod.spec.securityContext = { fsGroup: 2345 };
  const paths = await f.manager.mountPodVolumes(pod);
  const st = await stat(path.join(paths.get('cfg')!, 'd/k'));
  assert.equal(st.gid, 2345);
  assert.equal(st.mode & 0o777, 0o440);
  assert.equal((await stat(path.join(paths.get('cfg')!, 'd'))).gid, 2345);
  const scratch = await stat(paths.get('scratch')!);
  assert.equal(scratch.gid, 2345);
  assert.equal(scratch.mode & 0o7777, 0o2777);
  // Unchanged content with the group applied is not rewritten on refresh.
  const before = await readlink(path.join(paths.get('cfg')!, '..data'));
  await f.manager.refresh();
  assert.equal(await readlink(path.join(paths.get('cfg')!, '..data')), before);
});

test('set-up and teardown of one pod never interleave', async (t) => {
  const f = await fixture(t);
  f.api.put('secrets', { metadata: { name: 's', namespace: 'default' }, data: { k: b64('v') } });
  const pod = testPod([{ name: 's', secret: { secretName: 's' } }, { name: 'm', emptyDir: { medium: 'Memory' } }]);
  const ops = [f.manager.mountPodVolumes(pod), f.manager.refresh(), f.manager.unmountPodVolumes(pod.metadata.uid!), f.manager.refresh()];
  await Promise.all(ops);
  assert.deepEqual(await mountsUnder(f.rootDir), []);
  await assert.rejects(stat(path.join(f.rootDir, 'pods', pod.metadata.uid!, 'volumes')), { code: 'ENOENT' });
  await assert.rejects(f.manager.unmountPodVolumes('../etc'), /invalid pod uid/);
});

test('a refresh round reads a shared ConfigMap once and leaves unchanged files alone', async (t) => {
  const f = await fixture(t, { tmpfs: false });
  f.api.put('configmaps', { metadata: { name: 'shared', namespace: 'default' }, data: { k: 'v1' } });
  const pods = ['a', 'b', 'c'].map((n) => {
    const p = testPod([{ name: 'cfg', configMap: { name: 'shared' } }]);
    return { ...p, metadata: { ...p.metadata, name: n, uid: `uid-${n}` } };
  });
  const dirs = await Promise.all(pods.map(async (p) => (await f.manager.mountPodVolumes(p)).get('cfg')!));
  const links = await Promise.all(dirs.map((d) => readlink(path.join(d, '..data'))));
  const gets = () => f.api.requests.filter((r) => r.startsWith('GET /api/v1/namespaces/default/configmaps/shared')).length;
  const before = gets();
  await f.manager.refresh();
  assert.equal(gets() - before, 1, 'one GET for three pods');
  assert.deepEqual(await Promise.all(dirs.map((d) => readlink(path.join(d, '..data')))), links, 'no new timestamped directory');
  f.api.put('configmaps', { metadata: { name: 'shared', namespace: 'default' }, data: { k: 'v2' } });
  await f.manager.refresh();
  for (const d of dirs) assert.equal(await readFile(path.join(d, 'k'), 'utf8'), 'v2');
});

test('the background refresh comes 50 s plus up to 20 % at random after the last', async (t) => {
  const f = await fixture(t, { tmpfs: false, random: () => 1 });
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v1' } });
  const dir = (await f.manager.mountPodVolumes(testPod([{ name: 'cfg', configMap: { name: 'cfg' } }]))).get('cfg')!;
  f.api.put('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'v2' } });
  f.manager.start();
  t.after(() => f.manager.stop());
  f.clock.advance(59_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await readFile(path.join(dir, 'k'), 'utf8'), 'v1');
  f.clock.advance(1_000);
  await f.manager.stop();
  assert.equal(await readFile(path.join(dir, 'k'), 'utf8'), 'v2');
});
