// Test helpers: temp dirs that are removed (and anything mounted under them
// unmounted) when the test ends, pass or fail; and the built test images on disk.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unmount } from '../os-tools.js';
import { buildImage, buildIndex, dockerSaveArchive, entryOf, ociArchive, writeOciLayout, type BuiltImage } from './image-builder.js';
import { BUSYBOX_CONFIG, BUSYBOX_NAME, busyboxLayer, markerLayer, whiteoutBaseLayer, whiteoutTopLayer } from './busybox.js';

interface AfterHook {
  after(fn: () => Promise<void> | void): void;
}

/** Mount points at or under dir, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of info.split('\n')) {
    const p = line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (p && (p === dir || p.startsWith(`${dir}/`))) out.push(p);
  }
  return out.sort((a, b) => b.length - a.length);
}

export async function tempDir(t: AfterHook, prefix = 'k8ts-image-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(async () => {
    for (const m of await mountsUnder(dir)) await unmount(m).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

export interface TestImages {
  dir: string;
  busybox: BuiltImage;
  whiteout: BuiltImage;
  amd64: BuiltImage;
  arm64: BuiltImage;
  indexDigest: string;
  ociArchive: string;
  dockerArchive: string;
  whiteoutArchive: string;
  multiarchLayout: string;
}

/** Write every test image into dir (the same bytes the build script writes). */
export async function writeTestImages(dir: string): Promise<TestImages> {
  const base = busyboxLayer();
  const busybox = buildImage({ layers: [base], config: BUSYBOX_CONFIG });
  const whiteout = buildImage({ layers: [base, whiteoutBaseLayer(), whiteoutTopLayer()], config: BUSYBOX_CONFIG });
  const amd64 = buildImage({ layers: [base, markerLayer('arch', 'amd64')], config: BUSYBOX_CONFIG });
  const arm64 = buildImage({ layers: [markerLayer('arch', 'arm64')], config: BUSYBOX_CONFIG, platform: { os: 'linux', architecture: 'arm64' } });
  const idx = buildIndex([amd64, arm64]);
  const files = {
    ociArchive: join(dir, 'busybox-oci.tar'),
    dockerArchive: join(dir, 'busybox-docker.tar'),
    whiteoutArchive: join(dir, 'whiteout-oci.tar'),
    multiarchLayout: join(dir, 'multiarch-layout'),
  };
  await writeFile(files.ociArchive, ociArchive([entryOf(BUSYBOX_NAME, busybox)]));
  await writeFile(files.dockerArchive, dockerSaveArchive(BUSYBOX_NAME, { layers: [base], config: BUSYBOX_CONFIG }));
  await writeFile(files.whiteoutArchive, ociArchive([entryOf('k8ts.test/whiteout:latest', whiteout)]));
  await writeOciLayout(files.multiarchLayout, [{ name: 'k8ts.test/multiarch:latest', descriptor: idx.descriptor, blobs: idx.blobs }]);
  return { dir, busybox, whiteout, amd64, arm64, indexDigest: idx.descriptor.digest, ...files };
}
