// Resolve a reference on a registry and bring every blob the image needs into the
// content store: manifest (choosing linux/amd64 from an index), config, and layers,
// fetched a few at a time, each verified on the way in. Unpacking happens elsewhere.
import { ChunkChannel } from './chunk-channel.js';
import type { ContentStore } from './content-store.js';
import type { LayerStream } from './snapshotter.js';
import { mapLimit, type SingleFlight } from './concurrency.js';
import { PlatformNotFoundError, UnsupportedManifestError } from './errors.js';
import { hostPlatform, parseImageConfig, parseManifestOrIndex, type Descriptor, type ImageConfigBlob, type Manifest, type Platform } from './media-types.js';
import { formatReference, type ImageReference } from './reference.js';
import type { RegistryClient } from './registry-client.js';

export type LayerStatus = 'waiting' | 'exists' | 'downloading' | 'downloaded' | 'unpacking' | 'unpacked';

/** One progress event: the state of one layer of one pull. */
export interface PullProgress {
  reference: string;
  digest: string;
  status: LayerStatus;
  done: number;
  total: number;
}

export interface ResolvedImage {
  manifest: Manifest;
  manifestDigest: string;
  manifestBytes: Buffer;
  indexDigest?: string;
  config: ImageConfigBlob;
  configBytes: Buffer;
}

export interface FetchDeps {
  client: RegistryClient;
  store: ContentStore;
  /** Shared across pulls so two pulls needing one blob download it once. */
  downloads: SingleFlight<void>;
  platform?: Platform;
  concurrency?: number;
  onProgress?: (p: PullProgress) => void;
  /** Unpack layers while they download (default true); false waits for each file. */
  streamUnpack?: boolean;
  /** Called with digests before they are stored or relied on (a lease against gc). */
  hold?: (...refs: string[]) => Promise<void>;
}

/** Manifest and config, with the manifest chosen for our platform. */
export async function resolveImage(deps: FetchDeps, ref: ImageReference): Promise<ResolvedImage> {
  const { client, store } = deps;
  const hold = deps.hold ?? (async () => undefined);
  const want = deps.platform ?? hostPlatform();
  let fetched = await client.getManifest(ref, ref.digest ?? ref.tag ?? 'latest');
  let parsed = parseManifestOrIndex(fetched.bytes, fetched.mediaType);
  let indexDigest: string | undefined;
  if (parsed.kind === 'index') {
    indexDigest = fetched.digest;
    await hold(fetched.digest);
    await store.put(fetched.bytes, fetched.digest);
    const entry = selectOrThrow(parsed.value.manifests, want, ref);
    fetched = await client.getManifest(ref, entry.digest);
    parsed = parseManifestOrIndex(fetched.bytes, fetched.mediaType || entry.mediaType);
    if (parsed.kind !== 'manifest') throw new UnsupportedManifestError('an index inside an index');
  }
  const manifest = parsed.value;
  await hold(fetched.digest, manifest.config.digest);
  await store.put(fetched.bytes, fetched.digest);
  let configBytes: Buffer;
  if (await store.has(manifest.config.digest, manifest.config.size)) configBytes = await store.read(manifest.config.digest);
  else {
    configBytes = await client.getSmallBlob(ref, manifest.config);
    await store.put(configBytes, manifest.config.digest);
  }
  const config = parseImageConfig(configBytes);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new UnsupportedManifestError(`${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids`);
  }
  return { manifest, manifestDigest: fetched.digest, manifestBytes: fetched.bytes, ...(indexDigest ? { indexDigest } : {}), config, configBytes };
}

function selectOrThrow(manifests: Descriptor[], want: Platform, ref: ImageReference): Descriptor {
  const candidates = manifests.filter((m) => m.platform?.os === want.os && m.platform.architecture === want.architecture);
  const pick = candidates.find((m) => want.variant === undefined || m.platform?.variant === want.variant) ?? candidates[0];
  if (!pick) throw new PlatformNotFoundError(formatReference(ref), `${want.os}/${want.architecture}`);
  return pick;
}

/**
 * Download every layer not already stored, `concurrency` at a time (default 3).
 * `afterEach` unpacks: for a layer we download it gets the bytes as they arrive
 * (`stream`), otherwise it runs once the layer is in the store.
 */
export async function fetchLayers(deps: FetchDeps, ref: ImageReference, layers: Descriptor[], afterEach: (layer: Descriptor, index: number, stream?: LayerStream) => Promise<void>): Promise<void> {
  const reference = formatReference(ref);
  const emit = (d: Descriptor, status: LayerStatus, done: number): void => deps.onProgress?.({ reference, digest: d.digest, status, done, total: d.size });
  for (const l of layers) emit(l, 'waiting', 0);
  await mapLimit(layers, deps.concurrency ?? 3, async (layer, i) => {
    if (await deps.store.has(layer.digest, layer.size)) {
      emit(layer, 'exists', layer.size);
      emit(layer, 'unpacking', layer.size);
      await afterEach(layer, i);
    } else if (deps.streamUnpack === false || deps.downloads.running(layer.digest)) {
      // Someone else's download of this blob: its bytes do not pass through us.
      await deps.downloads.do(layer.digest, () => deps.client.fetchBlob(ref, layer, deps.store, (done) => emit(layer, 'downloading', done)));
      emit(layer, 'downloaded', layer.size);
      emit(layer, 'unpacking', layer.size);
      await afterEach(layer, i);
    } else {
      const finished = (): void => {
        emit(layer, 'downloaded', layer.size);
        emit(layer, 'unpacking', layer.size); // what is left of it
      };
      await downloadAndUnpack(deps, ref, layer, finished, (done) => emit(layer, 'downloading', done), (stream) => afterEach(layer, i, stream));
    }
    emit(layer, 'unpacked', layer.size);
  });
}

/** Unpack from the bytes as they arrive, the download and the unpack side by side. */
async function downloadAndUnpack(deps: FetchDeps, ref: ImageReference, layer: Descriptor, downloaded: () => void, onBytes: (n: number) => void, unpack: (s: LayerStream) => Promise<void>): Promise<void> {
  const channel = new ChunkChannel();
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined); // observed through the unpack
  // Once the unpack is over (or never read at all), nothing may hold the download up.
  const unpacking = unpack({ chunks: channel, abandon: () => channel.abandon(), downloaded: done }).finally(() => channel.abandon());
  unpacking.catch(() => undefined); // may fail while we still await the download; awaited below
  try {
    await deps.downloads.do(layer.digest, () => deps.client.fetchBlob(ref, layer, deps.store, onBytes, (c) => channel.push(c), () => channel.abandon()));
  } catch (e) {
    channel.fail(e);
    settle.reject(e);
    await unpacking.catch(() => undefined);
    throw e;
  }
  channel.end();
  settle.resolve();
  downloaded();
  await unpacking;
}
