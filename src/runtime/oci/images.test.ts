// Containers from real images: the ImageStore imports the project's busybox OCI archive
// and gives each container its own overlayfs; the runtime runs them under conmon.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageStore } from './image/index.js';
import { writeTestImages } from './image/testing/fixtures.js';
import { ImageStoreRootfsProvider, OciImageService } from './images.js';
import { newOciTestEnv } from './testing/harness.js';
import { runScript } from './testing/run.js';
import { NotFoundError } from '../cri.js';
import { isStateMount } from './volatile-state.js';

test('oci: containers from an imported image get private writable layers and leave no mount', async (t) => {
  let store: ImageStore | undefined;
  const env = await newOciTestEnv('crun', { rootfs: (dir) => new ImageStoreRootfsProvider((store = new ImageStore({ root: join(dir, 'images') }))) });
  t.after(() => env.cleanup());
  const images = new OciImageService(store!);
  const fixtures = join(env.dir, 'fixtures');
  mkdirSync(fixtures);
  const built = await writeTestImages(fixtures);
  const [info] = await store!.importArchive(built.ociArchive);
  assert.ok(info);
  const status = await images.imageStatus({ image: 'k8ts.test/busybox:latest' });
  assert.equal(status?.id, info.id);
  assert.deepEqual(status?.config.Cmd, ['sh']);

  const a = await runScript(env.runtime, 'echo mine > /etc/marker; cat /etc/marker', { image: { image: 'k8ts.test/busybox:latest' } });
  assert.equal(a.stdout, 'mine');
  const b = await runScript(env.runtime, 'cat /etc/marker 2>/dev/null || echo absent; echo $PATH', { image: { image: 'k8ts.test/busybox:latest' } });
  assert.equal(b.stdout.split('\n')[0], 'absent');
  assert.equal(b.stdout.split('\n')[1], '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');

  await env.runtime.removePodSandbox(a.sandboxId);
  await env.runtime.removePodSandbox(b.sandboxId);
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => !isStateMount(m));
  assert.ok(!mounts.some((m) => m.startsWith(env.dir)), 'no overlay or namespace mount left under the test dir');

  await assert.rejects(env.runtime.createContainer('x'.repeat(64), { metadata: { name: 'n', attempt: 0 }, image: { image: 'nope' } }, { metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 0 } }), NotFoundError);
  const sbc = { metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 0 } };
  const sb = await env.runtime.runPodSandbox(sbc);
  await assert.rejects(env.runtime.createContainer(sb, { metadata: { name: 'n', attempt: 0 }, image: { image: 'k8ts.test/unknown:1' } }, sbc), (e: unknown) => e instanceof NotFoundError && e.kind === 'image');
  await images.removeImage({ image: 'k8ts.test/busybox:latest' });
  assert.equal(await images.imageStatus({ image: 'k8ts.test/busybox:latest' }), null);
});
