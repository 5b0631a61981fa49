// Pulls from a real Debian docker-registry on loopback, images pushed with skopeo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageNotFoundError, RegistryUnreachableError } from './errors.js';
import { ImageStore } from './image-store.js';
import { MediaType } from './media-types.js';
import type { PullProgress } from './pull.js';
import { tempDir, writeTestImages, type TestImages } from './testing/fixtures.js';
import { freePort, skopeoPush, startRegistry, type RunningRegistry } from './testing/registry.js';

let reg: RunningRegistry;
let images: TestImages;
const hooks: Array<() => Promise<void> | void> = [];

before(async () => {
  images = await writeTestImages(await tempDir({ after: (f) => hooks.push(f) }));
  reg = await startRegistry();
  hooks.push(() => reg.stop());
  await skopeoPush(`oci-archive:${images.ociArchive}`, `${reg.host}/busybox:oci`, { format: 'oci' });
  await skopeoPush(`oci-archive:${images.ociArchive}`, `${reg.host}/busybox:v2s2`, { format: 'v2s2' });
  await skopeoPush(`oci:${images.multiarchLayout}:k8ts.test/multiarch:latest`, `${reg.host}/multiarch:latest`, { all: true });
});

after(async () => {
  // Run every cleanup even if one fails, then report the first failure.
  const errors: unknown[] = [];
  for (const h of hooks.reverse()) await Promise.resolve().then(h).catch((e: unknown) => errors.push(e));
  if (errors.length > 0) throw errors[0];
});

test('pull an OCI manifest: id, names, snapshot, and a record a new process sees', async (t) => {
  const root = await tempDir(t);
  const store = new ImageStore({ root });
  const events: PullProgress[] = [];
  const info = await store.pull(`${reg.host}/busybox:oci`, { onProgress: (p) => events.push(p) });
  assert.equal(info.id, images.busybox.config.digest);
  assert.deepEqual(info.repoTags, [`${reg.host}/busybox:oci`]);
  assert.deepEqual(info.repoDigests, [`${reg.host}/busybox@${images.busybox.manifest.digest}`]);
  assert.deepEqual(info.config.Cmd, ['sh']);
  assert.ok(info.size > 1_000_000);
  const layer = images.busybox.layers[0]!;
  const last = events.filter((e) => e.digest === layer.digest && e.status === 'downloading').at(-1);
  assert.equal(last?.done, layer.size, 'progress reached the full size');
  assert.equal((await readdir(join(root, 'snapshots'))).length, 1);
  const again = new ImageStore({ root });
  assert.equal((await again.get(`${reg.host}/busybox:oci`))?.id, info.id);
  assert.equal((await again.get(info.id.slice(7, 19)))?.id, info.id);
  assert.equal((await again.get(`${reg.host}/busybox@${images.busybox.manifest.digest}`))?.id, info.id);
});

test('pull by digest: no tag, the digest is the name', async (t) => {
  const store = new ImageStore({ root: await tempDir(t) });
  const ref = `${reg.host}/busybox@${images.busybox.manifest.digest}`;
  const info = await store.pull(ref);
  assert.equal(info.id, images.busybox.config.digest);
  assert.deepEqual(info.repoTags, []);
  assert.deepEqual(info.repoDigests, [ref]);
  assert.equal((await store.get(ref))?.id, info.id);
});

test('pull a Docker schema-2 manifest of the same image', async (t) => {
  const store = new ImageStore({ root: await tempDir(t) });
  const info = await store.pull(`${reg.host}/busybox:v2s2`);
  assert.equal(info.id, images.busybox.config.digest);
  const rec = await store.getRecord(info.id);
  assert.equal(rec?.manifestMediaType, MediaType.dockerManifest);
  assert.equal(rec?.layers[0]?.mediaType, MediaType.dockerLayerGzip);
});

test('pull an index: linux/amd64 is chosen, repoDigest names the index', async (t) => {
  const store = new ImageStore({ root: await tempDir(t) });
  const info = await store.pull(`${reg.host}/multiarch`);
  assert.equal(info.id, images.amd64.config.digest);
  assert.notEqual(info.id, images.arm64.config.digest);
  assert.deepEqual(info.repoDigests, [`${reg.host}/multiarch@${images.indexDigest}`]);
  const rec = await store.getRecord(info.id);
  assert.equal(rec?.platform.architecture, 'amd64');
  assert.equal(rec?.chainIds.length, 2);
});

test('concurrent pulls of one image, in one store and in two on one root, unpack once', async (t) => {
  const root = await tempDir(t);
  const a = new ImageStore({ root });
  const b = new ImageStore({ root });
  const ref = `${reg.host}/busybox:oci`;
  const infos = await Promise.all([a.pull(ref), a.pull(ref), b.pull(ref), b.pull(`${reg.host}/busybox:v2s2`)]);
  for (const i of infos) assert.equal(i.id, images.busybox.config.digest);
  const snaps = (await readdir(join(root, 'snapshots'))).filter((n) => !n.startsWith('tmp-'));
  assert.equal(snaps.length, 1);
  assert.deepEqual((await readdir(join(root, 'snapshots'))).filter((n) => n.startsWith('tmp-')), []);
  assert.deepEqual((await a.get(ref))?.repoTags.sort(), [ref, `${reg.host}/busybox:v2s2`].sort());
});

test('scripts/test-image/push.sh pushes the built image (here as Docker schema 2)', async (t) => {
  const out = await tempDir(t);
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'scripts', 'test-image', 'push.sh');
  execFileSync(script, [reg.host, 'scripted:v1', '--v2s2', out], { stdio: 'pipe' });
  const store = new ImageStore({ root: await tempDir(t) });
  const info = await store.pull(`${reg.host}/scripted:v1`);
  assert.equal(info.id, images.busybox.config.digest, 'the script builds the same image as the tests');
  assert.equal((await store.getRecord(info.id))?.manifestMediaType, MediaType.dockerManifest);
});

test('unknown image and unreachable registry give named errors', async (t) => {
  const store = new ImageStore({ root: await tempDir(t) });
  await assert.rejects(store.pull(`${reg.host}/nope:latest`), (e: unknown) => e instanceof ImageNotFoundError && e.message.includes(`${reg.host}/nope:latest`));
  const port = await freePort();
  await assert.rejects(store.pull(`127.0.0.1:${port}/busybox`), (e: unknown) => e instanceof RegistryUnreachableError && e.host === `127.0.0.1:${port}` && e.message.includes(`127.0.0.1:${port}`));
  assert.deepEqual(await store.list(), []);
});

test('gc during a pull waits for it instead of collecting its fresh blobs', async (t) => {
  const store = new ImageStore({ root: await tempDir(t) });
  let gc: ReturnType<ImageStore['gc']> | undefined;
  const info = await store.pull(`${reg.host}/busybox:oci`, {
    onProgress: (p) => {
      // The layer is in the store but no record names it yet: the riskiest moment.
      if (p.status === 'downloaded' && !gc) gc = store.gc();
    },
  });
  assert.ok(gc, 'gc was started mid-pull');
  assert.deepEqual(await gc, { blobsRemoved: 0, snapshotsRemoved: 0, bytesFreed: 0 });
  assert.ok(await store.content.has(images.busybox.layers[0]!.digest));
  const { rootfs } = await store.prepareRootfs('after-gc', info.id);
  t.after(() => store.releaseRootfs('after-gc'));
  assert.ok((await readdir(join(rootfs, 'bin'))).includes('busybox'));
});

test('gc from another store on the same root (another process) spares a running pull', async (t) => {
  const root = await tempDir(t);
  const puller = new ImageStore({ root });
  const other = new ImageStore({ root });
  await other.list();
  // A lease left by a dead process must not pin anything forever.
  const dead = spawnSync('true').pid!;
  await writeFile(join(root, 'leases', `${dead}-stale.json`), JSON.stringify({ pid: dead, refs: [images.busybox.layers[0]!.digest] }));
  let gc: ReturnType<ImageStore['gc']> | undefined;
  const info = await puller.pull(`${reg.host}/busybox:oci`, {
    onProgress: (p) => {
      if (p.status === 'downloaded' && !gc) gc = other.gc();
    },
  });
  const r = await gc!;
  assert.equal(r.blobsRemoved + r.snapshotsRemoved, 0, JSON.stringify(r));
  assert.ok(await puller.content.has(images.busybox.layers[0]!.digest));
  assert.equal((await other.get(info.id))?.id, info.id);
  assert.deepEqual(await readdir(join(root, 'leases')), [], 'the pull released its lease; the stale one is gone');
});
