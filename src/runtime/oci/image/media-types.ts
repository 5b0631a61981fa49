// Media types and JSON shapes of the OCI image spec and Docker's schema 2, with the
// small validators that turn untrusted JSON into these types.
import { UnsupportedManifestError } from './errors.js';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** What we ask registries for, in order of preference. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest].join(', ');

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Index {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

/** The runtime-relevant part of an image config (`config` in the config blob). */
export interface OciImageConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface ImageConfigBlob {
  created?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: OciImageConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: unknown[];
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isManifestType(mediaType: string): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function descriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v) || typeof v.digest !== 'string' || typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) {
    throw new UnsupportedManifestError(`${where}: descriptor needs a digest and a non-negative integer size`);
  }
  if (!/^sha256:[a-f0-9]{64}$/.test(v.digest)) throw new UnsupportedManifestError(`${where}: unsupported digest ${v.digest}`);
  const d: Descriptor = { mediaType: typeof v.mediaType === 'string' ? v.mediaType : '', digest: v.digest, size: v.size };
  if (isObject(v.platform) && typeof v.platform.architecture === 'string' && typeof v.platform.os === 'string') {
    d.platform = { architecture: v.platform.architecture, os: v.platform.os };
    if (typeof v.platform.variant === 'string') d.platform.variant = v.platform.variant;
  }
  if (isObject(v.annotations)) d.annotations = v.annotations as Record<string, string>;
  return d;
}

/**
 * Parse a manifest or index. The registry's Content-Type wins when the body has no
 * mediaType (allowed by the OCI spec), and the body's wins otherwise.
 */
export function parseManifestOrIndex(bytes: Buffer, contentType?: string): { kind: 'manifest'; value: Manifest } | { kind: 'index'; value: Index } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new UnsupportedManifestError(`not JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) throw new UnsupportedManifestError('not a JSON object');
  if (json.schemaVersion !== 2) throw new UnsupportedManifestError(`schemaVersion ${String(json.schemaVersion)} (only 2 is supported)`);
  const ct = contentType?.split(';')[0]?.trim();
  let mediaType = typeof json.mediaType === 'string' ? json.mediaType : ct ?? '';
  if (mediaType === '' || mediaType === 'application/json') mediaType = Array.isArray(json.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
  if (isIndexType(mediaType)) {
    if (!Array.isArray(json.manifests)) throw new UnsupportedManifestError('index without manifests');
    return { kind: 'index', value: { schemaVersion: 2, mediaType, manifests: json.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)) } };
  }
  if (isManifestType(mediaType)) {
    if (!Array.isArray(json.layers)) throw new UnsupportedManifestError('manifest without layers');
    const m: Manifest = { schemaVersion: 2, mediaType, config: descriptor(json.config, 'config'), layers: json.layers.map((l, i) => descriptor(l, `layers[${i}]`)) };
    if (isObject(json.annotations)) m.annotations = json.annotations as Record<string, string>;
    return { kind: 'manifest', value: m };
  }
  throw new UnsupportedManifestError(`media type ${mediaType}`);
}

export function parseImageConfig(bytes: Buffer): ImageConfigBlob {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new UnsupportedManifestError(`image config is not JSON (${(e as Error).message})`);
  }
  if (!isObject(json) || !isObject(json.rootfs) || !Array.isArray(json.rootfs.diff_ids)) {
    throw new UnsupportedManifestError('image config without rootfs.diff_ids');
  }
  const diffIds = json.rootfs.diff_ids.map(String);
  for (const d of diffIds) if (!/^sha256:[a-f0-9]{64}$/.test(d)) throw new UnsupportedManifestError(`bad diff_id ${d}`);
  const out: ImageConfigBlob = {
    architecture: typeof json.architecture === 'string' ? json.architecture : '',
    os: typeof json.os === 'string' ? json.os : '',
    rootfs: { type: String(json.rootfs.type ?? 'layers'), diff_ids: diffIds },
  };
  if (typeof json.created === 'string') out.created = json.created;
  if (typeof json.variant === 'string') out.variant = json.variant;
  if (isObject(json.config)) out.config = pickConfig(json.config);
  return out;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

function pickConfig(c: Record<string, unknown>): OciImageConfig {
  const out: OciImageConfig = {};
  if (typeof c.User === 'string') out.User = c.User;
  if (isObject(c.ExposedPorts)) out.ExposedPorts = c.ExposedPorts as Record<string, Record<string, never>>;
  const env = strings(c.Env);
  if (env) out.Env = env;
  const ep = strings(c.Entrypoint);
  if (ep) out.Entrypoint = ep;
  const cmd = strings(c.Cmd);
  if (cmd) out.Cmd = cmd;
  if (isObject(c.Volumes)) out.Volumes = c.Volumes as Record<string, Record<string, never>>;
  if (typeof c.WorkingDir === 'string') out.WorkingDir = c.WorkingDir;
  if (isObject(c.Labels)) out.Labels = c.Labels as Record<string, string>;
  if (typeof c.StopSignal === 'string') out.StopSignal = c.StopSignal;
  return out;
}

/** The platform we run on, in OCI's words (Node's `x64` is OCI's `amd64`). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

/** Pick the entry of an index for a platform; attestation entries (unknown/unknown) never match. */
export function selectPlatform(index: Index, want: Platform): Descriptor | undefined {
  const candidates = index.manifests.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture);
  if (want.variant) {
    const exact = candidates.find((m) => m.platform?.variant === want.variant);
    if (exact) return exact;
  }
  return candidates[0];
}
