// The bearer-token flow and basic auth, with a small gatekeeping proxy in front of a
// real docker-registry and a token server written here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnauthorizedError } from './errors.js';
import { ImageStore } from './image-store.js';
import { forward, startServer, type TestServer } from './testing/http-server.js';
import { tempDir, writeTestImages, type TestImages } from './testing/fixtures.js';
import { skopeoPush, startRegistry, type RunningRegistry } from './testing/registry.js';

let reg: RunningRegistry;
let images: TestImages;
const hooks: Array<() => Promise<void> | void> = [];
const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

before(async () => {
  images = await writeTestImages(await tempDir({ after: (f) => hooks.push(f) }));
  reg = await startRegistry();
  hooks.push(() => reg.stop());
  await skopeoPush(`oci-archive:${images.ociArchive}`, `${reg.host}/busybox:latest`);
});

after(async () => {
  // Run every cleanup even if one fails, then report the first failure.
  const errors: unknown[] = [];
  for (const h of hooks.reverse()) await Promise.resolve().then(h).catch((e: unknown) => errors.push(e));
  if (errors.length > 0) throw errors[0];
});

/** A token server and a registry front that wants `Bearer <token>`. */
async function bearerSetup(t: { after(f: () => Promise<void>): void }, needUser?: { user: string; pass: string }): Promise<{ front: TestServer; tokens: TestServer }> {
  const tokens = await startServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (needUser && req.headers.authorization !== basic(needUser.user, needUser.pass)) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `tok-${u.searchParams.get('scope')}-${u.searchParams.get('service')}` }));
  });
  t.after(() => tokens.close());
  const front = await startServer((req, res) => {
    if (req.headers.authorization !== 'Bearer tok-repository:busybox:pull-test-registry') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${tokens.host}/token",service="test-registry",scope="repository:busybox:pull"` }).end();
      return;
    }
    forward(reg.host, req, res);
  });
  t.after(() => front.close());
  return { front, tokens };
}

test('anonymous bearer-token flow: 401 challenge, token fetched, request retried', async (t) => {
  const { front, tokens } = await bearerSetup(t);
  const store = new ImageStore({ root: await tempDir(t) });
  const info = await store.pull(`${front.host}/busybox:latest`);
  assert.equal(info.id, images.busybox.config.digest);
  assert.equal(tokens.requests.length, 1, 'one token for the whole pull');
  assert.match(tokens.requests[0]!.url, /scope=repository%3Abusybox%3Apull/);
  assert.equal(tokens.requests[0]!.authorization, undefined);
});

test('bearer flow with credentials from a docker config file; wrong ones refused', async (t) => {
  const { front, tokens } = await bearerSetup(t, { user: 'alice', pass: 'pw' });
  const dir = await tempDir(t);
  const cfg = join(dir, 'config.json');
  await writeFile(cfg, JSON.stringify({ auths: { [front.host]: { auth: Buffer.from('alice:pw').toString('base64') } } }));
  const store = new ImageStore({ root: join(dir, 'root') });
  assert.equal((await store.pull(`${front.host}/busybox:latest`, { dockerConfigPath: cfg })).id, images.busybox.config.digest);
  assert.equal(tokens.requests[0]!.authorization, basic('alice', 'pw'));
  const other = new ImageStore({ root: join(dir, 'root2') });
  await assert.rejects(other.pull(`${front.host}/busybox:latest`, { auth: { username: 'alice', password: 'wrong' } }), UnauthorizedError);
  await assert.rejects(other.pull(`${front.host}/busybox:latest`), UnauthorizedError);
});

test('basic auth registry: credentials given directly', async (t) => {
  const front = await startServer((req, res) => {
    if (req.headers.authorization !== basic('bob', 'secret')) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end();
      return;
    }
    forward(reg.host, req, res);
  });
  t.after(() => front.close());
  const dir = await tempDir(t);
  await assert.rejects(new ImageStore({ root: join(dir, 'a') }).pull(`${front.host}/busybox:latest`), (e: unknown) => e instanceof UnauthorizedError && e.host === front.host);
  const info = await new ImageStore({ root: join(dir, 'b') }).pull(`${front.host}/busybox:latest`, { auth: { username: 'bob', password: 'secret' } });
  assert.equal(info.id, images.busybox.config.digest);
});
