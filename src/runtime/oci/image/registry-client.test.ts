import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContentStore } from './content-store.js';
import { sha256Digest } from './digest.js';
import { DigestMismatchError } from './errors.js';
import { MediaType } from './media-types.js';
import { parseReference } from './reference.js';
import { isLoopback, RegistryClient } from './registry-client.js';
import { startServer } from './testing/http-server.js';
import { tempDir } from './testing/fixtures.js';

test('plain HTTP only for loopback and listed insecure registries', () => {
  for (const d of ['127.0.0.1:5000', '127.3.2.1', 'localhost:80', '[::1]:5000']) assert.equal(isLoopback(d), true, d);
  for (const d of ['10.0.0.1:5000', 'example.com', 'localhost.example.com']) assert.equal(isLoopback(d), false, d);
  const c = new RegistryClient({ insecureRegistries: ['reg.lan:5000', 'plain.lan'] });
  assert.equal(c.baseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000');
  assert.equal(c.baseUrl('reg.lan:5000'), 'http://reg.lan:5000');
  assert.equal(c.baseUrl('plain.lan:443'), 'http://plain.lan:443');
  assert.equal(c.baseUrl('quay.io'), 'https://quay.io');
  assert.equal(c.baseUrl('docker.io'), 'https://registry-1.docker.io');
});

test('manifests: every media type accepted, digests checked against the header and the reference', async (t) => {
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: {}, layers: [] }));
  let accept = '';
  const s = await startServer((req, res) => {
    accept = String(req.headers.accept);
    const lie = req.url?.endsWith('/lie');
    res.writeHead(200, { 'content-type': MediaType.ociManifest, 'docker-content-digest': lie ? sha256Digest('x') : sha256Digest(body) }).end(body);
  });
  t.after(() => s.close());
  const c = new RegistryClient();
  const ref = parseReference(`${s.host}/a`);
  const m = await c.getManifest(ref, 'latest');
  assert.equal(m.digest, sha256Digest(body));
  for (const mt of [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList]) assert.ok(accept.includes(mt), mt);
  await assert.rejects(c.getManifest(ref, 'lie'), DigestMismatchError);
  await assert.rejects(c.getManifest(ref, sha256Digest('other')), DigestMismatchError);
});

test('blob redirects are followed, without the registry token on another host', async (t) => {
  const data = Buffer.from('blob on storage host');
  const digest = sha256Digest(data);
  const storage = await startServer((_req, res) => void res.writeHead(200, { 'content-length': data.length }).end(data));
  t.after(() => storage.close());
  const reg = await startServer((req, res) => {
    if (req.headers.authorization !== 'Basic dTpw') {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      return;
    }
    // "localhost" is another host name for the same loopback storage server.
    res.writeHead(307, { location: `http://localhost:${storage.port}/storage/${digest}` }).end();
  });
  t.after(() => reg.close());
  const store = new ContentStore(await tempDir(t));
  await store.init();
  const c = new RegistryClient({ auth: { username: 'u', password: 'p' } });
  await c.fetchBlob(parseReference(`${reg.host}/a`), { mediaType: '', digest, size: data.length }, store);
  assert.equal((await store.read(digest)).toString(), 'blob on storage host');
  assert.equal(storage.requests.length, 1);
  assert.equal(storage.requests[0]!.authorization, undefined, 'credentials stay with the registry');
});

test('a download that goes silent is dropped after the idle timeout and resumed', async (t) => {
  const data = Buffer.alloc(300_000, 9);
  const digest = sha256Digest(data);
  let first = true;
  const s = await startServer((req, res) => {
    if (first) {
      first = false;
      res.writeHead(200, { 'content-length': data.length });
      res.write(data.subarray(0, 100_000)); // and then nothing, connection left open
      return;
    }
    const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    res.writeHead(206, { 'content-range': `bytes ${from}-${data.length - 1}/${data.length}`, 'content-length': data.length - from }).end(data.subarray(from));
  });
  t.after(() => s.close());
  const store = new ContentStore(await tempDir(t));
  await store.init();
  const started = Date.now();
  await new RegistryClient({ idleTimeoutMs: 1000 }).fetchBlob(parseReference(`${s.host}/a`), { mediaType: '', digest, size: data.length }, store);
  assert.ok(Date.now() - started < 15_000);
  assert.equal(await store.has(digest, data.length), true);
  assert.equal(s.requests.length, 2);
  assert.match(s.requests[1]!.range ?? '', /^bytes=[1-9]\d*-$/);
});
