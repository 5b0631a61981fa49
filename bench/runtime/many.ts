// 50 containers started at once through the RuntimeService (one sandbox each, overlay
// rootfs from the ImageStore, conmon + crun): time until all run, and the memory the
// runtime keeps per running container (conmon's resident set; the runtime process
// itself holds nothing per container).
//   node dist/bench/runtime/many.js [count=50]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from '../../src/runtime/oci/image/index.js';
import { writeTestImages } from '../../src/runtime/oci/image/testing/fixtures.js';
import { ImageStoreRootfsProvider } from '../../src/runtime/oci/images.js';
import { OciRuntimeService } from '../../src/runtime/oci/runtime.js';
import { forceCleanup } from '../../src/runtime/oci/testing/harness.js';

const N = Number(process.argv[2] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-many-'));
const root = join(dir, 'root');
const cg = `/k8ts-bench-${process.pid}`;
try {
  const store = new ImageStore({ root: join(dir, 'images') });
  await store.importArchive((await writeTestImages(dir)).ociArchive);
  const rt = await OciRuntimeService.create({ root, rootfs: new ImageStoreRootfsProvider(store), cgroupParent: cg, log: () => {} });
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: N }, async (_, i) => {
    const sbc = { metadata: { name: `p${i}`, uid: `u${i}`, namespace: 'bench', attempt: 0 } };
    const sb = await rt.runPodSandbox(sbc);
    const id = await rt.createContainer(sb, { metadata: { name: 'c', attempt: 0 }, image: { image: 'k8ts.test/busybox:latest' }, command: ['sleep', '100000'] }, sbc);
    await rt.startContainer(id);
    return id;
  }));
  const running = (await rt.listContainers({ state: 'CONTAINER_RUNNING' })).length;
  const elapsed = performance.now() - t0;
  let rss = 0;
  for (const id of ids) {
    const pid = readFileSync(join(root, 'containers', id, 'conmon.pid'), 'utf8').trim();
    rss += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  }
  process.stdout.write(`${running}/${N} containers running ${elapsed.toFixed(0)} ms after the first request (${(elapsed / N).toFixed(1)} ms each)\n`);
  process.stdout.write(`conmon resident memory per running container: ${(rss / N / 1024).toFixed(0)} KiB\n`);
  const t1 = performance.now();
  for (const s of await rt.listPodSandbox()) await rt.removePodSandbox(s.id);
  process.stdout.write(`removed all in ${(performance.now() - t1).toFixed(0)} ms\n`);
} finally {
  await forceCleanup(root, ['crun', 'runc'], cg);
  rmSync(dir, { recursive: true, force: true });
}
