// Pull of a ~50 MB image from a loopback docker-registry: k8ts' ImageStore beside
// `skopeo copy docker://... oci:DIR` of the same image, in the same run, alternating.
//   node dist/bench/image/pull.js [--runs N] [--mb SIZE]
// Prints each median and the ratio. `k8ts fetch` is download + verify only (what
// skopeo does); `k8ts pull` also unpacks the layers into snapshots; `k8ts unpack` is
// a pull whose blobs are already stored (manifest round trip + unpacking only).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImageStore } from '../../src/runtime/oci/image/index.js';
import { ContentStore } from '../../src/runtime/oci/image/content-store.js';
import { SingleFlight } from '../../src/runtime/oci/image/concurrency.js';
import { fetchLayers, resolveImage } from '../../src/runtime/oci/image/pull.js';
import { parseReference } from '../../src/runtime/oci/image/reference.js';
import { RegistryClient } from '../../src/runtime/oci/image/registry-client.js';
import { BUSYBOX_CONFIG, busyboxLayer, randomLayer } from '../../src/runtime/oci/image/testing/busybox.js';
import { buildImage, entryOf, ociArchive } from '../../src/runtime/oci/image/testing/image-builder.js';
import { skopeoPush, startRegistry } from '../../src/runtime/oci/image/testing/registry.js';

const execFileP = promisify(execFile);

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const runs = arg('--runs', 7);
  const mb = arg('--mb', 50);
  const work = await mkdtemp(join(tmpdir(), 'k8ts-bench-pull-'));
  const reg = await startRegistry();
  try {
    const img = buildImage({ layers: [busyboxLayer(), randomLayer(mb * 1024 * 1024, 'bench')], config: BUSYBOX_CONFIG });
    const archive = join(work, 'big.tar');
    await writeFile(archive, ociArchive([entryOf('k8ts.test/big:latest', img)]));
    await skopeoPush(`oci-archive:${archive}`, `${reg.host}/big:latest`);
    const ref = `${reg.host}/big:latest`;
    const bytes = img.layers.reduce((n, l) => n + l.size, 0);
    const results: Record<string, number[]> = { 'k8ts pull': [], 'k8ts fetch': [], 'k8ts unpack': [], 'skopeo copy': [] };
    for (let i = 0; i < runs; i++) {
      const dir = join(work, `run-${i}`);
      results['k8ts pull']!.push(await timed(() => new ImageStore({ root: join(dir, 'pull') }).pull(ref)));
      await rm(join(dir, 'pull', 'snapshots'), { recursive: true });
      await rm(join(dir, 'pull', 'images'), { recursive: true });
      results['k8ts unpack']!.push(await timed(() => new ImageStore({ root: join(dir, 'pull') }).pull(ref)));
      results['k8ts fetch']!.push(await timed(async () => {
        const store = new ContentStore(join(dir, 'fetch'));
        await store.init();
        const deps = { client: new RegistryClient(), store, downloads: new SingleFlight<void>(), streamUnpack: false };
        const r = await resolveImage(deps, parseReference(ref));
        await fetchLayers(deps, parseReference(ref), r.manifest.layers, async () => undefined);
      }));
      results['skopeo copy']!.push(await timed(() => execFileP('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${join(dir, 'skopeo')}:big`])));
      await rm(dir, { recursive: true, force: true });
    }
    const peer = median(results['skopeo copy']!);
    process.stdout.write(`pull of a ${(bytes / 1048576).toFixed(1)} MiB image (2 layers) from loopback docker-registry, ${runs} runs, median:\n`);
    for (const [name, xs] of Object.entries(results)) {
      const m = median(xs);
      process.stdout.write(`  ${name.padEnd(12)} ${m.toFixed(0).padStart(6)} ms  ${(bytes / 1048576 / (m / 1000)).toFixed(0).padStart(5)} MiB/s  ${name === 'skopeo copy' ? '' : `(${(m / peer).toFixed(2)}x skopeo)`}\n`);
    }
  } finally {
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/image/pull: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
