// A hand-written registry that serves corrupt, short and interrupted blobs: none may
// reach the content store or a snapshot; interrupted downloads resume with Range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError, DigestMismatchError } from './errors.js';
import { ImageStore } from './image-store.js';
import { buildImage, type BuiltImage } from './testing/image-builder.js';
import { randomLayer } from './testing/busybox.js';
import { startServer, type TestServer } from './testing/http-server.js';
import { tempDir } from './testing/fixtures.js';

type BlobHook = (digest: string, bytes: Buffer, range: string | undefined, res: import('node:http').ServerResponse) => boolean;

/** Serve one image at /v2/img/...; `hook` may take over a blob response. */
async function fakeRegistry(t: { after(f: () => Promise<void>): void }, img: BuiltImage, hook: BlobHook): Promise<TestServer> {
  const s = await startServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/img/manifests/latest') {
      res.writeHead(200, { 'content-type': img.manifest.mediaType, 'docker-content-digest': img.manifest.digest }).end(img.manifestBytes);
      return;
    }
    const m = /^\/v2\/img\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url);
    const bytes = m ? img.blobs.get(m[1]!) : undefined;
    if (!m || !bytes) {
      res.writeHead(404).end();
      return;
    }
    if (hook(m[1]!, bytes, req.headers.range, res)) return;
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  t.after(() => s.close());
  return s;
}

const image = (): BuiltImage => buildImage({ layers: [randomLayer(300_000, 'faults')] });

async function assertNothingKept(root: string, digest: string): Promise<void> {
  const blobs = await readdir(join(root, 'blobs', 'sha256'));
  assert.ok(!blobs.includes(digest.slice(7)), 'the bad blob is not in the content store');
  assert.deepEqual((await readdir(join(root, 'snapshots'))), [], 'no snapshot');
  assert.deepEqual(await readdir(join(root, 'images')), [], 'no image record');
}

test('a layer with the wrong digest is refused and not stored', async (t) => {
  const img = image();
  const layer = img.layers[0]!.digest;
  const reg = await fakeRegistry(t, img, (d, bytes, _r, res) => {
    if (d !== layer) return false;
    const bad = Buffer.from(bytes);
    bad[bad.length >> 1] ^= 0xff;
    res.writeHead(200, { 'content-length': bad.length }).end(bad);
    return true;
  });
  const root = await tempDir(t);
  await assert.rejects(new ImageStore({ root }).pull(`${reg.host}/img`), (e: unknown) => e instanceof DigestMismatchError && e.expected === layer);
  await assertNothingKept(root, layer);
  assert.deepEqual(await readdir(join(root, 'ingest')), [], 'the partial file is gone too');
});

test('a truncated layer (short but complete response) is refused', async (t) => {
  const img = image();
  const layer = img.layers[0]!.digest;
  const reg = await fakeRegistry(t, img, (d, bytes, _r, res) => {
    if (d !== layer) return false;
    res.writeHead(200, { 'content-length': bytes.length - 1000 }).end(bytes.subarray(0, bytes.length - 1000));
    return true;
  });
  const root = await tempDir(t);
  await assert.rejects(new ImageStore({ root }).pull(`${reg.host}/img`), DigestMismatchError);
  await assertNothingKept(root, layer);
});

test('a connection cut mid-layer is resumed with a Range request', async (t) => {
  const img = image();
  const layer = img.layers[0]!.digest;
  let cut = false;
  const reg = await fakeRegistry(t, img, (d, bytes, range, res) => {
    if (d !== layer) return false;
    if (!cut) {
      cut = true;
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, 100_000), () => setTimeout(() => res.destroy(), 20));
      return true;
    }
    const from = Number(/bytes=(\d+)-/.exec(range ?? '')?.[1] ?? 0);
    res.writeHead(206, { 'content-length': bytes.length - from, 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` }).end(bytes.subarray(from));
    return true;
  });
  const root = await tempDir(t);
  const info = await new ImageStore({ root }).pull(`${reg.host}/img`);
  assert.equal(info.id, img.config.digest);
  const blobReqs = reg.requests.filter((r) => r.url.endsWith(layer));
  assert.equal(blobReqs.length, 2);
  assert.match(blobReqs[1]!.range ?? '', /^bytes=\d+-$/);
  assert.ok(Number(/=(\d+)/.exec(blobReqs[1]!.range!)![1]) > 0, 'resumed past zero');
});

test('an aborted pull keeps its partial download, and the next pull resumes it', async (t) => {
  const img = image();
  const layer = img.layers[0]!.digest;
  let first = true;
  let gotBytes: () => void = () => undefined;
  const started = new Promise<void>((r) => (gotBytes = r));
  const reg = await fakeRegistry(t, img, (d, bytes, range, res) => {
    if (d !== layer) return false;
    if (first) {
      first = false;
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, 150_000)); // then stall until the client gives up
      return true;
    }
    const from = Number(/bytes=(\d+)-/.exec(range ?? '')?.[1] ?? 0);
    res.writeHead(206, { 'content-length': bytes.length - from, 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` }).end(bytes.subarray(from));
    return true;
  });
  const root = await tempDir(t);
  const ac = new AbortController();
  const store = new ImageStore({ root });
  const pulling = store.pull(`${reg.host}/img`, {
    signal: ac.signal,
    onProgress: (p) => {
      if (p.digest === layer && p.status === 'downloading' && p.done >= 150_000) gotBytes();
    },
  });
  await started;
  ac.abort();
  await assert.rejects(pulling, AbortedError);
  assert.ok((await readdir(join(root, 'ingest'))).includes(`${layer.slice(7)}.partial`), 'partial kept for resume');
  assert.ok(!(await readdir(join(root, 'blobs', 'sha256'))).includes(layer.slice(7)));
  const info = await store.pull(`${reg.host}/img`);
  assert.equal(info.id, img.config.digest);
  const last = reg.requests.filter((r) => r.url.endsWith(layer)).at(-1);
  assert.equal(last?.range, 'bytes=150000-');
  assert.deepEqual(await readdir(join(root, 'ingest')), []);
});

test('a retry that ignores Range restarts the blob; the streamed unpack falls back to the file', async (t) => {
  const img = buildImage({ layers: [randomLayer(2_000_000, 'restart')] });
  const layer = img.layers[0]!.digest;
  let cut = false;
  const reg = await fakeRegistry(t, img, (d, bytes, _range, res) => {
    if (d !== layer) return false;
    res.writeHead(200, { 'content-length': bytes.length });
    if (!cut) {
      cut = true;
      res.write(bytes.subarray(0, 1_200_000), () => setTimeout(() => res.destroy(), 20));
    } else res.end(bytes); // whole blob again, Range ignored
    return true;
  });
  const root = await tempDir(t);
  const store = new ImageStore({ root });
  const info = await store.pull(`${reg.host}/img`);
  assert.equal(info.id, img.config.digest);
  assert.equal(reg.requests.filter((r) => r.url.endsWith(layer)).length, 2);
  const rec = await store.getRecord(info.id);
  const { stat } = await import('node:fs/promises');
  assert.equal((await stat(join(store.snapshots.path(rec!.chainIds[0]!), 'data/random.bin'))).size, 2_000_000);
  assert.deepEqual((await readdir(store.snapshots.dir)).filter((n) => n.startsWith('tmp-')), []);
});
