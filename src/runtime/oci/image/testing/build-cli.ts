// `node dist/src/runtime/oci/image/testing/build-cli.js OUTDIR [--busybox PATH]`
// writes the test images (see scripts/test-image/build.sh):
//   busybox-oci.tar       OCI archive of k8ts.test/busybox:latest
//   busybox-docker.tar    the same image as a docker-save archive
//   busybox-layout/       the OCI layout directory (for skopeo oci:DIR:NAME)
//   whiteout-oci.tar      busybox + a layer of files + a layer deleting some of them
//   multiarch-layout/     an index with linux/amd64 and linux/arm64 entries
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImage, buildIndex, dockerSaveArchive, entryOf, ociArchive, writeOciLayout } from './image-builder.js';
import { BUSYBOX_CONFIG, BUSYBOX_NAME, BUSYBOX_PATH, busyboxLayer, markerLayer, whiteoutBaseLayer, whiteoutTopLayer } from './busybox.js';

async function main(argv: string[]): Promise<number> {
  const out = argv[0];
  if (!out || out.startsWith('-')) {
    process.stderr.write('usage: build-cli OUTDIR [--busybox PATH]\n');
    return 2;
  }
  const bi = argv.indexOf('--busybox');
  const busybox = bi >= 0 ? argv[bi + 1] ?? BUSYBOX_PATH : BUSYBOX_PATH;
  await mkdir(out, { recursive: true });
  const base = busyboxLayer(busybox);
  const img = buildImage({ layers: [base], config: BUSYBOX_CONFIG });
  await writeFile(join(out, 'busybox-oci.tar'), ociArchive([entryOf(BUSYBOX_NAME, img)]));
  await writeFile(join(out, 'busybox-docker.tar'), dockerSaveArchive(BUSYBOX_NAME, { layers: [base], config: BUSYBOX_CONFIG }));
  await writeOciLayout(join(out, 'busybox-layout'), [entryOf(BUSYBOX_NAME, img)]);
  const wh = buildImage({ layers: [base, whiteoutBaseLayer(), whiteoutTopLayer()], config: BUSYBOX_CONFIG });
  await writeFile(join(out, 'whiteout-oci.tar'), ociArchive([entryOf('k8ts.test/whiteout:latest', wh)]));
  const amd = buildImage({ layers: [base, markerLayer('arch', 'amd64')], config: BUSYBOX_CONFIG });
  const arm = buildImage({ layers: [markerLayer('arch', 'arm64')], config: BUSYBOX_CONFIG, platform: { os: 'linux', architecture: 'arm64' } });
  const idx = buildIndex([amd, arm]);
  await writeOciLayout(join(out, 'multiarch-layout'), [{ name: 'k8ts.test/multiarch:latest', descriptor: idx.descriptor, blobs: idx.blobs }]);
  process.stdout.write(`${BUSYBOX_NAME} ${img.manifest.digest} (config ${img.config.digest})\n`);
  return 0;
}

main(process.argv.slice(2)).then((c) => (process.exitCode = c), (e: unknown) => {
  process.stderr.write(`build-cli: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
