// ImageStore without a registry: archive imports, lookups, removal, gc, disk usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DigestMismatchError, AmbiguousImageError } from './errors.js';
import { ImageStore } from './image-store.js';
import { MediaType } from './media-types.js';
import { buildImage, entryOf, ociArchive } from './testing/image-builder.js';
import { markerLayer } from './testing/busybox.js';
import { mountsUnder, tempDir, writeTestImages } from './testing/fixtures.js';

test('import a docker-save archive and an OCI archive of the same image', async (t) => {
  const dir = await tempDir(t);
  const images = await writeTestImages(dir);
  const store = new ImageStore({ root: join(dir, 'store') });
  const [fromDocker] = await store.importArchive(images.dockerArchive);
  assert.equal(fromDocker?.id, images.busybox.config.digest);
  assert.deepEqual(fromDocker?.repoTags, ['k8ts.test/busybox:latest']);
  const rec = await store.getRecord(fromDocker!.id);
  assert.equal(rec?.layers[0]?.mediaType, MediaType.dockerLayer, 'docker save layers are plain tar');
  const [fromOci] = await store.importArchive(images.ociArchive);
  assert.equal(fromOci?.id, images.busybox.config.digest);
  assert.equal((await store.list()).length, 1);
  assert.equal((await readdir(store.snapshots.dir)).length, 1, 'one snapshot for both: same diff ID');
  // A gzipped archive imports too.
  const gz = join(dir, 'busybox-oci.tar.gz');
  await writeFile(gz, gzipSync(await readFile(images.ociArchive)));
  assert.equal((await store.importArchive(gz))[0]?.id, images.busybox.config.digest);
  // Nothing but the image's own blobs is left in the store (no manifest.json etc.).
  const blobs = (await readdir(store.content.blobsDir)).map((h) => `sha256:${h}`).sort();
  const now = await store.getRecord(fromDocker!.id);
  assert.deepEqual(blobs, [...now!.blobs].sort());
  assert.ok(now!.blobs.includes(images.busybox.manifest.digest) && now!.blobs.includes(rec!.manifestDigest), 'both manifests kept');
});

test('import an OCI layout directory with an index: the amd64 image is chosen', async (t) => {
  const dir = await tempDir(t);
  const images = await writeTestImages(dir);
  const store = new ImageStore({ root: join(dir, 'store') });
  const infos = await store.importArchive(images.multiarchLayout);
  assert.deepEqual(infos.map((i) => i.id), [images.amd64.config.digest]);
  assert.deepEqual(infos[0]?.repoTags, ['k8ts.test/multiarch:latest']);
  assert.equal((await store.getRecord(images.amd64.config.digest))?.indexDigest, images.indexDigest);
});

test('archives written by skopeo (docker-archive with symlinked layers, oci-archive) import', async (t) => {
  const dir = await tempDir(t);
  const images = await writeTestImages(dir);
  const docker = join(dir, 'skopeo-docker.tar');
  const oci = join(dir, 'skopeo-oci.tar');
  execFileSync('skopeo', ['copy', '--quiet', `oci-archive:${images.ociArchive}`, `docker-archive:${docker}:k8ts.test/sk:v1`]);
  execFileSync('skopeo', ['copy', '--quiet', `oci-archive:${images.ociArchive}`, `oci-archive:${oci}:k8ts.test/sko:v2`]);
  const store = new ImageStore({ root: join(dir, 'store') });
  const [a] = await store.importArchive(docker);
  const [b] = await store.importArchive(oci);
  assert.equal(a?.id, images.busybox.config.digest);
  assert.deepEqual(b?.repoTags, ['k8ts.test/sk:v1', 'k8ts.test/sko:v2']);
  const { rootfs } = await store.prepareRootfs('sk', b!.id);
  t.after(() => store.releaseRootfs('sk'));
  assert.equal(execFileSync('chroot', [rootfs, '/bin/echo', 'ok'], { encoding: 'utf8' }), 'ok\n');
});

test('an OCI archive whose blob does not match its name is refused', async (t) => {
  const dir = await tempDir(t);
  const img = buildImage({ layers: [markerLayer('x', 'x')] });
  const layer = img.layers[0]!.digest;
  img.blobs.set(layer, gzipSync(markerLayer('x', 'tampered')));
  const path = join(dir, 'bad.tar');
  await writeFile(path, ociArchive([entryOf('k8ts.test/bad:1', img)]));
  const store = new ImageStore({ root: join(dir, 'store') });
  await assert.rejects(store.importArchive(path), DigestMismatchError);
  assert.deepEqual(await store.list(), []);
  assert.ok(!(await readdir(store.content.blobsDir)).includes(layer.slice(7)));
});

test('zstd layers unpack when the zstd tool is there', async (t) => {
  const dir = await tempDir(t);
  const tar = markerLayer('z', 'zstd');
  const img = buildImage({ layers: [tar], gzip: false });
  const zst = execFileSync('zstd', ['-q', '-c'], { input: tar });
  const plainDigest = img.layers[0]!.digest;
  // Swap the plain layer for its zstd form; the diff ID stays the same.
  const z = buildImage({ layers: [tar], gzip: false });
  z.blobs.delete(plainDigest);
  const { sha256Digest } = await import('./digest.js');
  const zDesc = { mediaType: MediaType.ociLayerZstd, digest: sha256Digest(zst), size: zst.length };
  z.blobs.set(zDesc.digest, zst);
  const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: z.config, layers: [zDesc] }));
  z.blobs.delete(z.manifest.digest);
  z.blobs.set(sha256Digest(manifestBytes), manifestBytes);
  const path = join(dir, 'zstd.tar');
  await writeFile(path, ociArchive([{ name: 'k8ts.test/zstd:1', descriptor: { mediaType: MediaType.ociManifest, digest: sha256Digest(manifestBytes), size: manifestBytes.length }, blobs: z.blobs }]));
  const store = new ImageStore({ root: join(dir, 'store') });
  const [info] = await store.importArchive(path);
  const rec = await store.getRecord(info!.id);
  assert.equal(await readFile(join(store.snapshots.path(rec!.chainIds[0]!), 'z'), 'utf8'), 'zstd\n');
});

test('get by name, id and prefix; remove a tag, then the image; gc frees blobs and snapshots', async (t) => {
  const dir = await tempDir(t);
  const images = await writeTestImages(dir);
  const store = new ImageStore({ root: join(dir, 'store') });
  const [bb] = await store.importArchive(images.ociArchive);
  const [wh] = await store.importArchive(images.whiteoutArchive);
  assert.ok(bb && wh);
  assert.equal((await store.get('k8ts.test/busybox'))?.id, bb.id);
  assert.equal((await store.get(bb.id))?.id, bb.id);
  assert.equal((await store.get(bb.id.slice(7, 15)))?.id, bb.id);
  assert.equal(await store.get('k8ts.test/nothing'), undefined);
  assert.equal(await store.get('sha256:' + '0'.repeat(64)), undefined);
  const before = await store.diskUsage();
  assert.ok(before.blobs > 1_000_000 && before.snapshots > 1_900_000, JSON.stringify(before));

  // The whiteout image shares busybox's bottom snapshot: removing busybox frees no snapshot.
  assert.equal(await store.remove('k8ts.test/busybox:latest'), true);
  assert.equal(await store.get('k8ts.test/busybox'), undefined);
  let r = await store.gc();
  assert.equal(r.snapshotsRemoved, 0);
  assert.equal(r.blobsRemoved, 2, 'busybox manifest and config (its layer is shared)');

  // A prepared container keeps its snapshots alive through gc, even with its image gone.
  const { rootfs } = await store.prepareRootfs('keep', wh.id);
  assert.equal(await store.remove(wh.id), true);
  r = await store.gc();
  assert.equal(r.snapshotsRemoved, 0);
  assert.ok((await readFile(join(rootfs, 'added'), 'utf8')).startsWith('added'));
  await store.releaseRootfs('keep');
  r = await store.gc();
  assert.equal(r.snapshotsRemoved, 3);
  assert.deepEqual(await store.diskUsage(), { blobs: 0, snapshots: 0 });
  assert.equal(await store.remove('k8ts.test/busybox'), false);
  assert.deepEqual(await mountsUnder(dir), []);
});

test('an id prefix matching two images is an error, not a guess', async (t) => {
  const store = new ImageStore({ root: await tempDir(t) });
  await store.list(); // creates the directories
  for (const last of ['1', '2']) {
    const id = `sha256:abcd${'0'.repeat(59)}${last}`;
    await store.records.write({ id, manifestDigest: id, manifestMediaType: MediaType.ociManifest, repoTags: [], repoDigests: [], layers: [], diffIds: [], chainIds: [], size: 0, config: {}, platform: { os: 'linux', architecture: 'amd64' }, blobs: [] });
  }
  await assert.rejects(store.get('abcd'), AmbiguousImageError);
  assert.equal((await store.get(`abcd${'0'.repeat(59)}2`))?.id.endsWith('2'), true);
});
