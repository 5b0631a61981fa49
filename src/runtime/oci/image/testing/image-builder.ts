// Builds OCI images byte-for-byte reproducibly (fixed mtimes, sorted entries, root
// ownership) as an OCI image layout directory, an OCI archive, or a docker-save
// archive. Used by scripts/test-image and by the tests, which need images with known
// digests, extra layers (whiteouts) and several platforms.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../digest.js';
import { MediaType, type Descriptor, type OciImageConfig, type Platform } from '../media-types.js';
import { buildTar, type TarWriteEntry } from '../tar-writer.js';

/** 2024-01-01T00:00:00Z: every timestamp in a built image. */
export const FIXED_MTIME = 1704067200;
export const FIXED_CREATED = '2024-01-01T00:00:00Z';

export interface ImageSpec {
  /** Layer tars, bottom first (uncompressed tar bytes). */
  layers: Buffer[];
  config?: OciImageConfig;
  platform?: Platform;
  /** gzip the layers (default true). */
  gzip?: boolean;
}

export interface BuiltImage {
  manifest: Descriptor;
  manifestBytes: Buffer;
  config: Descriptor;
  configBytes: Buffer;
  layers: Descriptor[];
  diffIds: string[];
  /** Every blob the image needs, by digest. */
  blobs: Map<string, Buffer>;
}

function blob(bytes: Buffer, mediaType: string, blobs: Map<string, Buffer>): Descriptor {
  const digest = sha256Digest(bytes);
  blobs.set(digest, bytes);
  return { mediaType, digest, size: bytes.length };
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const blobs = new Map<string, Buffer>();
  const gzip = spec.gzip ?? true;
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const diffIds = spec.layers.map((l) => sha256Digest(l));
  const layers = spec.layers.map((l) => (gzip ? blob(gzipSync(l, { level: 6 }), MediaType.ociLayerGzip, blobs) : blob(l, MediaType.ociLayer, blobs)));
  const configJson = {
    created: FIXED_CREATED,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: spec.config ?? {},
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: spec.layers.map(() => ({ created: FIXED_CREATED, created_by: 'k8ts test-image builder' })),
  };
  const configBytes = Buffer.from(JSON.stringify(configJson));
  const config = blob(configBytes, MediaType.ociConfig, blobs);
  const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers }));
  const manifest = { ...blob(manifestBytes, MediaType.ociManifest, blobs), platform };
  return { manifest, manifestBytes, config, configBytes, layers, diffIds, blobs };
}

/** An index over several single-platform images (multi-arch). */
export function buildIndex(images: BuiltImage[]): { descriptor: Descriptor; bytes: Buffer; blobs: Map<string, Buffer> } {
  const blobs = new Map<string, Buffer>();
  for (const i of images) for (const [d, b] of i.blobs) blobs.set(d, b);
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: images.map((i) => i.manifest) }));
  const descriptor = blob(bytes, MediaType.ociIndex, blobs);
  return { descriptor, bytes, blobs };
}

export interface LayoutEntry {
  /** Full reference, e.g. `k8ts.test/busybox:latest` (stored as ref.name). */
  name: string;
  descriptor: Descriptor;
  blobs: Map<string, Buffer>;
}

export function entryOf(name: string, img: BuiltImage): LayoutEntry {
  const { platform: _p, ...descriptor } = img.manifest;
  return { name, descriptor, blobs: img.blobs };
}

/** The files of an OCI image layout, sorted, as tar entries. */
function layoutEntries(entries: LayoutEntry[]): TarWriteEntry[] {
  const blobs = new Map<string, Buffer>();
  for (const e of entries) for (const [d, b] of e.blobs) blobs.set(d, b);
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: entries.map((e) => ({ ...e.descriptor, annotations: { 'org.opencontainers.image.ref.name': e.name } })),
  };
  const f = (name: string, data: Buffer): TarWriteEntry => ({ name, type: 'file', mode: 0o644, mtime: FIXED_MTIME, data });
  const d = (name: string): TarWriteEntry => ({ name, type: 'directory', mode: 0o755, mtime: FIXED_MTIME });
  const out = [d('blobs'), d('blobs/sha256')];
  for (const digest of [...blobs.keys()].sort()) out.push(f(`blobs/sha256/${digest.slice(7)}`, blobs.get(digest)!));
  out.push(f('index.json', Buffer.from(JSON.stringify(index))), f('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')));
  return out;
}

export function ociArchive(entries: LayoutEntry[]): Buffer {
  return buildTar(layoutEntries(entries));
}

/** Write an OCI image layout directory (for `skopeo copy oci:DIR:name`). */
export async function writeOciLayout(dir: string, entries: LayoutEntry[]): Promise<void> {
  for (const e of layoutEntries(entries)) {
    const p = join(dir, e.name);
    if (e.type === 'directory') await mkdir(p, { recursive: true });
    else await writeFile(p, e.data!);
  }
}

/** A `docker save` archive: manifest.json, <hex>.json config, <hex>/layer.tar (uncompressed). */
export function dockerSaveArchive(name: string, spec: ImageSpec): Buffer {
  const img = buildImage({ ...spec, gzip: false });
  const f = (n: string, data: Buffer): TarWriteEntry => ({ name: n, type: 'file', mode: 0o644, mtime: FIXED_MTIME, data });
  const entries: TarWriteEntry[] = [];
  const layerPaths: string[] = [];
  img.layers.forEach((l, i) => {
    const dir = img.diffIds[i]!.slice(7);
    entries.push({ name: dir, type: 'directory', mode: 0o755, mtime: FIXED_MTIME }, f(`${dir}/VERSION`, Buffer.from('1.0')), f(`${dir}/layer.tar`, img.blobs.get(l.digest)!));
    layerPaths.push(`${dir}/layer.tar`);
  });
  const cfgName = `${img.config.digest.slice(7)}.json`;
  entries.push(f(cfgName, img.configBytes));
  entries.push(f('manifest.json', Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: [name], Layers: layerPaths }]))));
  return buildTar(entries);
}
