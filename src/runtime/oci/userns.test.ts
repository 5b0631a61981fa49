// Containers in a user namespace with id-shifted files (real crun under conmon, real
// overlayfs over idmapped layers): root inside is an unprivileged host uid outside,
// yet owns the image's files, writes into its own upper layer only, and uses volumes
// and the sandbox's /etc files like a container without a user namespace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerConfig, PodSandboxConfig } from '../cri.js';
import { ImageStore } from './image/index.js';
import { writeTestImages } from './image/testing/fixtures.js';
import { ImageStoreRootfsProvider } from './images.js';
import type { OciRuntimeName } from './ocicli.js';
import { newOciTestEnv, type OciTestEnv } from './testing/harness.js';
import { logsOf, podConfig, runScript, waitExited } from './testing/run.js';
import { isStateMount } from './volatile-state.js';

const IMAGE = 'k8ts.test/busybox:latest';
const HOST = 300000;
const map = [{ containerId: 0, hostId: HOST, length: 65536 }];
const usernsPod = (): Partial<PodSandboxConfig> => ({ hostname: 'userns', linux: { userNamespace: { uids: map, gids: map } } });

async function imageEnv(t: { after(fn: () => Promise<void>): void }, runtime: OciRuntimeName = 'crun'): Promise<{ env: OciTestEnv; store: ImageStore }> {
  let store: ImageStore | undefined;
  const env = await newOciTestEnv(runtime, { rootfs: (dir) => new ImageStoreRootfsProvider((store = new ImageStore({ root: join(dir, 'images') }))) });
  t.after(() => env.cleanup());
  // No chmod of the private temp dir: the runtime makes the paths searchable itself.
  const fixtures = join(env.dir, 'fixtures');
  mkdirSync(fixtures);
  await store!.importArchive((await writeTestImages(fixtures)).ociArchive);
  return { env, store: store! };
}

/** Every file below `dir` (relative paths). */
function walk(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    out.push(prefix + e.name);
    if (e.isDirectory()) out.push(...walk(join(dir, e.name), `${prefix}${e.name}/`));
  }
  return out;
}

for (const name of ['crun', 'runc'] as const) test(`oci/${name} userns: root inside is the mapped host uid outside and owns and writes the image files`, async (t) => {
  const { env } = await imageEnv(t, name);
  const snapshotsBefore = walk(join(env.dir, 'images'));
  const sbc = podConfig(usernsPod());
  const sb = await env.runtime.runPodSandbox(sbc);
  const config: ContainerConfig = {
    metadata: { name: 'main', attempt: 0 }, image: { image: IMAGE },
    command: ['sh', '-c', [
      'id -u', 'tr -s " " < /proc/self/uid_map', 'stat -c %u:%g /bin/busybox /etc /root',
      'echo etc > /etc/written && echo etc-ok', 'echo root > /root/written && echo root-ok', 'echo more >> /etc/passwd && echo passwd-ok',
      'stat -c %u /proc/sys/kernel/ostype', 'stat -c %u:%g /etc/hosts', 'echo "10.0.0.9 extra" >> /etc/hosts && echo hosts-ok',
      'cat /sys/class/net/lo/flags', 'hostname', 'echo ready', 'exec sleep 60',
    ].join('; ')],
  };
  const id = await env.runtime.createContainer(sb, config, sbc);
  await env.runtime.startContainer(id);
  let out = '';
  for (let i = 0; i < 800 && !out.includes('ready'); i++) {
    await new Promise((r) => setTimeout(r, 25));
    out = (await logsOf(env.runtime, id)).stdout;
  }
  const lines = out.split('\n');
  assert.equal(lines[0], '0', out);
  assert.equal(lines[1]?.trim(), `0 ${HOST} 65536`);
  // The image's files, owned by host root on disk, are root's inside.
  assert.deepEqual(lines.slice(2, 5), ['0:0', '0:0', '0:0']);
  assert.deepEqual(lines.slice(5, 8), ['etc-ok', 'root-ok', 'passwd-ok']);
  // A host-root file that is not shifted (a kernel sysctl of the initial namespace) is nobody's.
  assert.equal(lines[8], '65534');
  // The sandbox's /etc files are root's and writable.
  assert.equal(lines[9], '0:0');
  assert.equal(lines[10], 'hosts-ok');
  // The sandbox's loopback is up (IFF_UP) and its host name set, from inside the namespace.
  assert.equal(Number(lines[11]) & 1, 1, `lo flags ${lines[11]}`);
  assert.equal(lines[12], 'userns');

  // Outside, the container's process runs as the mapped host uid.
  const pid = Number(readFileSync(join(env.root, 'containers', id, 'pidfile'), 'utf8').trim());
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  assert.match(status, new RegExp(`^Uid:\\s+${HOST}\\s+${HOST}\\s+${HOST}\\s+${HOST}$`, 'm'));
  assert.match(status, new RegExp(`^Gid:\\s+${HOST}\\s`, 'm'));

  // While it runs, the host's mount table holds its overlay but no idmapped view: those
  // went once the container was created (a recursive delete can reach no volume or layer).
  // (Detached just after the create, off its path: given a moment.)
  const ourMounts = async () => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(env.dir));
  let ours = await ourMounts();
  for (let i = 0; i < 100 && ours.some((l) => /[ ,]idmapped[ ,]/.test(l)); i++) {
    await new Promise((r) => setTimeout(r, 20));
    ours = await ourMounts();
  }
  assert.ok(ours.some((l) => l.includes(`${id}/rootfs`) && l.includes(' - overlay ')), ours.join('\n'));
  assert.deepEqual(ours.filter((l) => /[ ,]idmapped[ ,]/.test(l)), []);

  // The writes went to the container's upper layer, with the mapped host ids, and the
  // image's snapshots did not change.
  const upperDir = join(env.dir, 'images', 'containers', id, 'upper');
  assert.equal(readFileSync(join(upperDir, 'etc', 'written'), 'utf8'), 'etc\n');
  assert.equal(statSync(join(upperDir, 'etc', 'written')).uid, HOST);
  assert.equal(statSync(join(upperDir, 'root', 'written')).uid, HOST);
  const snapshotFiles = (list: string[]) => list.filter((f) => f.includes('snapshots'));
  assert.deepEqual(snapshotFiles(walk(join(env.dir, 'images'))), snapshotFiles(snapshotsBefore));

  await env.runtime.stopContainer(id, 0);
  await waitExited(env.runtime, id);
  await env.runtime.removePodSandbox(sb);
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => !isStateMount(m));
  assert.ok(!mounts.some((m) => m.startsWith(env.dir)), 'no overlay, idmapped layer or namespace mount left under the test dir');
  assert.ok(readdirSync(join(env.dir, 'images')).length > 0);
  assert.ok(walk(join(env.dir, 'images')).some((f) => f.includes('snapshots/')), 'the snapshots are still there');
});

test('oci/crun userns: volumes are shifted too: root and a non-root user write where the host ids allow', async (t) => {
  const { env } = await imageEnv(t);
  const rootVol = join(env.dir, 'vol-root');
  const userVol = join(env.dir, 'vol-1000');
  mkdirSync(rootVol);
  mkdirSync(userVol);
  chownSync(userVol, 1000, 1000);
  writeFileSync(join(rootVol, 'from-host'), 'host\n');
  const mounts = [{ containerPath: '/vol', hostPath: rootVol }, { containerPath: '/srv/deep/mine', hostPath: userVol }];
  const asRoot = await runScript(env.runtime, 'stat -c %u /vol/from-host /srv/deep; echo r > /vol/by-root && echo root-ok; echo x > /srv/deep/mine/by-root && echo root-mine-ok',
    { image: { image: IMAGE }, mounts }, usernsPod());
  assert.equal(asRoot.status.exitCode, 0, asRoot.stderr);
  assert.deepEqual(asRoot.stdout.split('\n'), ['0', '0', 'root-ok', 'root-mine-ok']);
  // (/srv/deep, a mount point's parent that the runtime made, is root's too.)
  // On disk the files carry the unshifted ids: shareable with pods of other ranges.
  assert.equal(statSync(join(rootVol, 'by-root')).uid, 0);

  const asUser = await runScript(env.runtime, 'id -u; echo u > /srv/deep/mine/by-user && echo user-ok; echo u > /vol/by-user 2>/dev/null && echo wrote || echo denied',
    { image: { image: IMAGE }, mounts, linux: { securityContext: { user: '1000' } } }, usernsPod());
  assert.deepEqual(asUser.stdout.split('\n'), ['1000', 'user-ok', 'denied']);
  assert.equal(statSync(join(userVol, 'by-user')).uid, 1000);
  await env.runtime.removePodSandbox(asRoot.sandboxId);
  await env.runtime.removePodSandbox(asUser.sandboxId);
  const left = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(env.dir) && !isStateMount(m));
  assert.deepEqual(left, [], 'no idmapped volume left mounted');
  assert.equal(readFileSync(join(rootVol, 'from-host'), 'utf8'), 'host\n', 'the volume survived the container');
});

test('oci/crun: exec runs as the container\'s user, with and without a user namespace', async (t) => {
  const { env } = await imageEnv(t);
  for (const sandbox of [{}, usernsPod()]) {
    const sbc = podConfig(sandbox);
    const sb = await env.runtime.runPodSandbox(sbc);
    const id = await env.runtime.createContainer(sb, {
      metadata: { name: 'main', attempt: 0 }, image: { image: IMAGE }, command: ['sleep', '60'],
      envs: [{ key: 'FROM_SPEC', value: 'yes' }], workingDir: '/tmp', linux: { securityContext: { user: '1000:1000' } },
    }, sbc);
    await env.runtime.startContainer(id);
    const r = await env.runtime.execSync(id, ['sh', '-c', 'id -u; id -g; echo $FROM_SPEC; pwd'], 10);
    assert.equal(r.exitCode, 0, `exit ${r.exitCode}: ${r.stderr.toString()} ${r.stdout.toString()}`);
    assert.deepEqual(r.stdout.toString().trim().split('\n'), ['1000', '1000', 'yes', '/tmp'], `stderr: ${r.stderr.toString()}`);
    await env.runtime.removePodSandbox(sb);
  }
});
