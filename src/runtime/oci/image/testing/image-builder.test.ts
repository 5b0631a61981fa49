import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTar } from '../tar-reader.js';
import { tempDir } from './fixtures.js';
import { REQUIRED_APPLETS } from './busybox.js';

// dist/src/runtime/oci/image/testing -> the checkout root.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', '..');

const sha = async (p: string): Promise<string> => createHash('sha256').update(await readFile(p)).digest('hex');

test('scripts/test-image/build.sh builds the same bytes twice', async (t) => {
  const dir = await tempDir(t);
  const script = join(repoRoot, 'scripts', 'test-image', 'build.sh');
  const out1 = execFileSync(script, [join(dir, 'a')], { encoding: 'utf8' });
  const out2 = execFileSync(script, [join(dir, 'b')], { encoding: 'utf8' });
  assert.equal(out1, out2);
  assert.match(out1, /^k8ts\.test\/busybox:latest sha256:[a-f0-9]{64} \(config sha256:[a-f0-9]{64}\)\n$/);
  for (const f of ['busybox-oci.tar', 'busybox-docker.tar', 'whiteout-oci.tar', 'multiarch-layout/index.json']) {
    assert.equal(await sha(join(dir, 'a', f)), await sha(join(dir, 'b', f)), f);
  }
});

test('the busybox layer has the applets, passwd and group, all owned by root', async (t) => {
  const dir = await tempDir(t);
  execFileSync(join(repoRoot, 'scripts', 'test-image', 'build.sh'), [dir]);
  const index = JSON.parse(await readFile(join(dir, 'busybox-layout', 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const blob = (d: string): string => join(dir, 'busybox-layout', 'blobs', 'sha256', d.slice(7));
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]!.digest), 'utf8')) as { layers: Array<{ digest: string }> };
  const layer = execFileSync('gzip', ['-dc', blob(manifest.layers[0]!.digest)], { maxBuffer: 64 * 1024 * 1024 });
  const names = new Map<string, { linkname: string; uid: number; gid: number; mtime: number; data: string }>();
  async function* one(): AsyncGenerator<Buffer> {
    yield layer;
  }
  for await (const e of readTar(one())) {
    const parts: Buffer[] = [];
    if (e.size < 4096) for await (const c of e.body) parts.push(c);
    names.set(e.name, { linkname: e.linkname, uid: e.uid, gid: e.gid, mtime: e.mtime, data: Buffer.concat(parts).toString() });
  }
  for (const a of REQUIRED_APPLETS) assert.equal(names.get(`bin/${a}`)?.linkname, 'busybox', a);
  assert.match(names.get('etc/passwd')!.data, /^root:x:0:0:/m);
  assert.match(names.get('etc/passwd')!.data, /^nobody:x:65534:65534:/m);
  assert.match(names.get('etc/group')!.data, /^nobody:x:65534:/m);
  for (const [n, e] of names) {
    assert.equal(e.uid, 0, n);
    assert.equal(e.mtime, 1704067200, n);
  }
});
