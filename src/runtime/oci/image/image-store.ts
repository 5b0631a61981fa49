// ImageStore: the image half of the runtime. Pulls and imports images into a content
// store, unpacks each layer chain once into a shared snapshot, keeps image records
// on disk, and gives each container an overlayfs root over its image's snapshots.
import { join } from 'node:path';
import { ContentStore } from './content-store.js';
import { Mutex, SharedLock, SingleFlight } from './concurrency.js';
import { chainIds, isDigest } from './digest.js';
import { AmbiguousImageError, LocalImageNotFoundError } from './errors.js';
import { importArchive } from './archive-import.js';
import { ImageRecords, type ImageRecord } from './image-records.js';
import { hostPlatform, type Manifest, type ImageConfigBlob, type OciImageConfig } from './media-types.js';
import { fetchLayers, resolveImage, type PullProgress } from './pull.js';
import { digestName, formatReference, parseReference, taggedName } from './reference.js';
import { RegistryClient } from './registry-client.js';
import { collectGarbage, diskUsage, type GcResult } from './gc.js';
import { withFileLock } from './file-lock.js';
import { Leases, type Lease } from './leases.js';
import { RootfsManager } from './rootfs.js';
import { Snapshotter } from './snapshotter.js';
import type { Credentials } from './credentials.js';
import type { IdmapTarget } from '../idmap.js';

export interface ImageInfo {
  /** The config digest. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Bytes of manifest, config and compressed layers. */
  size: number;
  config: OciImageConfig;
  created?: string;
}

export interface PullOptions {
  auth?: Credentials;
  /** Docker-style config.json to take credentials from (default: none). */
  dockerConfigPath?: string;
  /** Registries reached over plain HTTP besides loopback ones (default: none). */
  insecureRegistries?: string[];
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
  /** Layers downloaded at once (default 3). */
  concurrency?: number;
  /** Unpack each layer while it downloads rather than after (default true). */
  streamUnpack?: boolean;
}

export interface ImageStoreOptions {
  /** Directory for blobs, snapshots, image records and container roots. */
  root: string;
}

/** A manifest whose blobs are all in the content store, ready to unpack and record. */
export interface StagedImage {
  manifest: Manifest;
  manifestDigest: string;
  config: ImageConfigBlob;
  indexDigest?: string;
  repoTags: string[];
  repoDigests: string[];
}

export class ImageStore {
  readonly root: string;
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
  readonly records: ImageRecords;
  private readonly rootfs: RootfsManager;
  private readonly leases: Leases;
  private readonly downloads = new SingleFlight<void>();
  private readonly pulls = new SingleFlight<ImageInfo>();
  private readonly names = new Mutex();
  private readonly gcLock = new SharedLock();
  private ready: Promise<void> | undefined;

  constructor(opts: ImageStoreOptions) {
    this.root = opts.root;
    this.content = new ContentStore(opts.root);
    this.snapshots = new Snapshotter(opts.root);
    this.records = new ImageRecords(opts.root);
    this.rootfs = new RootfsManager(join(opts.root, 'containers'), this.snapshots);
    this.leases = new Leases(opts.root);
  }

  private init(): Promise<void> {
    this.ready ??= Promise.all([this.content.init(), this.snapshots.init(), this.records.init(), this.rootfs.init(), this.leases.init()]).then(() => undefined);
    return this.ready;
  }

  /** Pull from a registry. Concurrent pulls of one reference share one pull. */
  async pull(refString: string, opts: PullOptions = {}): Promise<ImageInfo> {
    await this.init();
    const ref = parseReference(refString);
    return this.pulls.do(formatReference(ref), () => this.gcLock.withShared(() => this.leases.with(async (lease) => {
      const client = new RegistryClient({
        ...(opts.auth ? { auth: opts.auth } : {}),
        ...(opts.dockerConfigPath ? { dockerConfigPath: opts.dockerConfigPath } : {}),
        ...(opts.insecureRegistries ? { insecureRegistries: opts.insecureRegistries } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const hold = (...refs: string[]): Promise<void> => lease.add(...refs);
      const deps = { client, store: this.content, downloads: this.downloads, hold, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.concurrency ? { concurrency: opts.concurrency } : {}), ...(opts.streamUnpack === false ? { streamUnpack: false } : {}) };
      const r = await resolveImage(deps, ref);
      const chains = chainIds(r.config.rootfs.diff_ids);
      await hold(...r.manifest.layers.map((l) => l.digest), ...chains);
      await fetchLayers(deps, ref, r.manifest.layers, (layer, i, stream) =>
        this.snapshots.ensure({ chainId: chains[i]!, diffId: r.config.rootfs.diff_ids[i]!, blobPath: this.content.path(layer.digest), ...(stream ? { stream } : {}) }));
      const tag = taggedName(ref);
      return this.commitLeased({
        manifest: r.manifest, manifestDigest: r.manifestDigest, config: r.config,
        ...(r.indexDigest ? { indexDigest: r.indexDigest } : {}),
        repoTags: tag ? [tag] : [],
        repoDigests: [digestName(ref, r.indexDigest ?? r.manifestDigest)],
      }, lease);
    })));
  }

  /** Import a `docker save` tar, an OCI image-layout tar (either optionally gzipped), or an OCI layout directory. */
  async importArchive(path: string): Promise<ImageInfo[]> {
    await this.init();
    return this.gcLock.withShared(() => this.leases.with(async (lease) => {
      const staged = await importArchive(path, this.content, hostPlatform(), (d) => lease.add(d));
      const out: ImageInfo[] = [];
      for (const s of staged) out.push(await this.commitLeased(s, lease));
      return out;
    }));
  }

  /** Unpack every layer (no-op for chains already there) and write the record. */
  async commit(s: StagedImage): Promise<ImageInfo> {
    await this.init();
    return this.gcLock.withShared(() => this.leases.with((lease) => this.commitLeased(s, lease)));
  }

  private async commitLeased(s: StagedImage, lease: Lease): Promise<ImageInfo> {
    const diffIds = s.config.rootfs.diff_ids;
    const chains = chainIds(diffIds);
    await lease.add(s.manifestDigest, s.manifest.config.digest, ...s.manifest.layers.map((l) => l.digest), ...chains);
    for (let i = 0; i < s.manifest.layers.length; i++) {
      await this.snapshots.ensure({ chainId: chains[i]!, diffId: diffIds[i]!, blobPath: this.content.path(s.manifest.layers[i]!.digest) });
    }
    const id = s.manifest.config.digest;
    return this.withNames(async () => {
      const existing = await this.records.read(id);
      const rec: ImageRecord = {
        id,
        manifestDigest: s.manifestDigest,
        manifestMediaType: s.manifest.mediaType,
        ...(s.indexDigest ? { indexDigest: s.indexDigest } : {}),
        repoTags: union(existing?.repoTags, s.repoTags),
        repoDigests: union(existing?.repoDigests, s.repoDigests),
        layers: s.manifest.layers,
        diffIds,
        chainIds: chains,
        size: s.manifest.config.size + s.manifest.layers.reduce((n, l) => n + l.size, 0) + (await this.content.read(s.manifestDigest)).length,
        config: s.config.config ?? {},
        platform: { os: s.config.os, architecture: s.config.architecture },
        ...(s.config.created ? { created: s.config.created } : {}),
        blobs: union(existing?.blobs, [id, s.manifestDigest, ...(s.indexDigest ? [s.indexDigest] : []), ...s.manifest.layers.map((l) => l.digest)]),
      };
      // A tag names one image: moving it here takes it off whichever image had it.
      for (const other of await this.records.list()) {
        if (other.id === id) continue;
        const kept = other.repoTags.filter((t) => !s.repoTags.includes(t));
        if (kept.length !== other.repoTags.length) await this.records.write({ ...other, repoTags: kept });
      }
      await this.records.write(rec);
      return toInfo(rec);
    });
  }

  async list(): Promise<ImageInfo[]> {
    await this.init();
    return (await this.records.list()).map(toInfo);
  }

  /** By name (`busybox`, `host/x:tag`, `name@sha256:...`), by `sha256:` id, or a unique id prefix. */
  async get(refOrId: string): Promise<ImageInfo | undefined> {
    const rec = await this.find(refOrId);
    return rec ? toInfo(rec) : undefined;
  }

  /** The full record (layers, chain IDs), for the runtime's own use. */
  async getRecord(refOrId: string): Promise<ImageRecord | undefined> {
    return this.find(refOrId);
  }

  /**
   * Remove by name: only that tag goes, unless it was the last name. By id: the whole
   * image. Blobs and snapshots stay until gc(). Returns false if nothing matched.
   */
  async remove(refOrId: string): Promise<boolean> {
    await this.init();
    return this.withNames(async () => {
      const rec = await this.find(refOrId);
      if (!rec) return false;
      const byName = this.normaliseName(refOrId);
      if (byName && rec.repoTags.includes(byName) && rec.repoTags.length > 1) {
        await this.records.write({ ...rec, repoTags: rec.repoTags.filter((t) => t !== byName) });
        return true;
      }
      await this.records.delete(rec.id);
      return true;
    });
  }

  async diskUsage(): Promise<{ blobs: number; snapshots: number }> {
    await this.init();
    return diskUsage(this.content, this.snapshots);
  }

  /** Delete blobs and snapshots no image or container references. */
  async gc(): Promise<GcResult> {
    await this.init();
    return this.gcLock.withExclusive(() => this.withNames(() =>
      collectGarbage(async () => ({ images: await this.records.list(), containerChains: await this.rootfs.referencedChains(), leased: await this.leases.held() }), this.content, this.snapshots)));
  }

  async prepareRootfs(containerId: string, imageId: string, opts: { readOnly?: boolean; idmap?: IdmapTarget } = {}): Promise<{ rootfs: string }> {
    await this.init();
    return this.gcLock.withShared(async () => {
      const rec = await this.find(imageId);
      if (!rec) throw new LocalImageNotFoundError(imageId);
      // The gc lock keeps this process's gc out meanwhile, and the container's own record
      // of its chain (written before the mount) keeps any other process's gc from the
      // snapshots. Only snapshots collected since the image was recorded need a lease:
      // they are rebuilt from the layer blobs, which nothing else holds meanwhile.
      const present = await Promise.all(rec.chainIds.map((c) => this.snapshots.has(c)));
      if (present.every(Boolean)) return this.rootfs.prepare(containerId, rec, opts.readOnly ?? false, opts.idmap);
      return this.leases.with(async (lease) => {
        await lease.add(...rec.chainIds, ...rec.layers.map((l) => l.digest));
        for (let i = 0; i < rec.chainIds.length; i++) {
          await this.snapshots.ensure({ chainId: rec.chainIds[i]!, diffId: rec.diffIds[i]!, blobPath: this.content.path(rec.layers[i]!.digest) });
        }
        return this.rootfs.prepare(containerId, rec, opts.readOnly ?? false, opts.idmap);
      });
    });
  }

  async releaseRootfs(containerId: string): Promise<void> {
    await this.init();
    await this.rootfs.release(containerId);
  }

  /**
   * Name changes read and rewrite several records (a tag moving between images), so
   * they run one at a time: in this process by the mutex, across processes by a lock
   * file beside the records.
   */
  private withNames<T>(fn: () => Promise<T>): Promise<T> {
    return this.names.run(() => withFileLock(join(this.records.dir, '.lock'), fn));
  }

  private normaliseName(s: string): string | undefined {
    try {
      const ref = parseReference(s);
      return ref.digest ? undefined : taggedName(ref);
    } catch {
      return undefined;
    }
  }

  private async find(refOrId: string): Promise<ImageRecord | undefined> {
    await this.init();
    const all = await this.records.list();
    if (isDigest(refOrId)) return all.find((r) => r.id === refOrId);
    const prefix = refOrId.startsWith('sha256:') ? refOrId.slice(7) : refOrId;
    let byName: ImageRecord | undefined;
    try {
      const ref = parseReference(refOrId);
      const name = ref.digest ? digestName(ref, ref.digest) : taggedName(ref);
      byName = all.find((r) => (name !== undefined && (r.repoTags.includes(name) || r.repoDigests.includes(name))) || (ref.digest !== undefined && r.manifestDigest === ref.digest && r.repoDigests.some((d) => d.startsWith(`${ref.domain}/${ref.path}@`))));
    } catch {
      /* not a name: maybe an id prefix */
    }
    if (byName) return byName;
    if (/^[a-f0-9]{4,64}$/.test(prefix)) {
      const hits = all.filter((r) => r.id.slice(7).startsWith(prefix));
      if (hits.length > 1) throw new AmbiguousImageError(prefix);
      return hits[0];
    }
    return undefined;
  }
}

function union(a: string[] | undefined, b: string[]): string[] {
  return [...new Set([...(a ?? []), ...b])];
}

function toInfo(r: ImageRecord): ImageInfo {
  return { id: r.id, repoTags: r.repoTags, repoDigests: r.repoDigests, size: r.size, config: r.config, ...(r.created ? { created: r.created } : {}) };
}
