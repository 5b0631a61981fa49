// The kubelet's volume manager: sets up every volume of a pod on each sync
// (idempotently: the same host paths every time), keeps API-backed volumes current with
// a background refresh (ConfigMaps, Secrets, pod labels and annotations, service
// account tokens near expiry), and tears a pod's volumes down from what is on disk, so a
// restarted kubelet can remove what an earlier one set up.

import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseQuantity } from '../../api/validation/quantity.js';
import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';
import { silentLogger, type Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { VolumeManager } from '../interfaces.js';
import type { Pod } from '../types.js';
import { getConfigMapData, getSecretData } from './api-source.js';
import type { NodeAllocatable } from './downward.js';
import { VolumeSetupError, VolumeTeardownError } from './errors.js';
import { commandMounter, mountsUnder, unmount, type VolumeMounter } from './mounts.js';
import { plugins, podDir, podVolumesDir, volumeDir } from './paths.js';
import { setUpVolume } from './set-up.js';
import type { KeyedData, ObjectSource, VolumeSpec } from './sources.js';
import { ApiTokenIssuer, TokenCache, type TokenIssuer } from './tokens.js';
import { diskUsage } from './usage.js';

export interface PodVolumeManagerOptions {
  client: RestClient;
  /** Pod volumes live under `<rootDir>/pods/<uid>/volumes`. */
  rootDir: string;
  nodeName: string;
  /** Default: silent. */
  log?: Logger;
  /** Default: the real clock. */
  clock?: Clock;
  /** Default: TokenRequests to the API server through client. */
  tokenIssuer?: TokenIssuer;
  /**
   * How often API-backed volumes are re-read and rewritten. Default 50 000 ms, plus a
   * random part of up to `refreshJitter` of it (the kubelet's sync period is 60 s): an
   * update of a ConfigMap reaches the files within a minute.
   */
  refreshIntervalMs?: number;
  /** Fraction of the interval added at random to each background round; default 0.2. */
  refreshJitter?: number;
  /** Default Math.random. */
  random?: () => number;
  /** Mount tmpfs for memory-backed volumes (secrets, projected, downwardAPI, emptyDir Memory). Default true; needs root. */
  tmpfs?: boolean;
  /** What mounts and unmounts those tmpfs; default mount(8) and umount(8). */
  mounter?: VolumeMounter;
  /** Used for resourceFieldRef limits a container leaves unset. Default none (0). */
  nodeAllocatable?: NodeAllocatable;
}

export interface EmptyDirUsage {
  volume: string;
  path: string;
  usedBytes: number;
  limitBytes?: number;
  overLimit: boolean;
}

interface PodEntry {
  pod: Pod;
  lastRefresh: number;
  /** What the pod's downward API may show, to rewrite at once when it changes. */
  metaKey: string;
  /** The host paths of its volumes, once all were set up. */
  paths?: Map<string, string>;
}

export class InvalidPodUidError extends Error {
  constructor(readonly uid: string) {
    super(`invalid pod uid "${uid}"`);
    this.name = 'InvalidPodUidError';
  }
}

function checkUid(uid: string): void {
  if (!uid || uid.includes('/') || uid === '.' || uid === '..') throw new InvalidPodUidError(uid);
}

function metaKey(pod: Pod): string {
  const md = pod.metadata as { labels?: unknown; annotations?: unknown };
  return JSON.stringify([md.labels ?? {}, md.annotations ?? {}, pod.spec.volumes ?? []]);
}

export class PodVolumeManager implements VolumeManager {
  private readonly client: RestClient;
  private readonly rootDir: string;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly tokens: TokenCache;
  private readonly intervalMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  /** Digest of what was last written into each volume directory (set-up.ts). */
  private readonly lastWritten = new Map<string, string>();
  private readonly tmpfs: boolean;
  private readonly mounter: VolumeMounter;
  private readonly objects: ObjectSource;
  private readonly pods = new Map<string, PodEntry>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private timer?: TimerHandle;
  private running = false;
  private inFlight?: Promise<void>;

  constructor(o: PodVolumeManagerOptions) {
    this.client = o.client;
    this.rootDir = o.rootDir;
    this.log = o.log ?? silentLogger;
    this.clock = o.clock ?? realClock;
    this.intervalMs = o.refreshIntervalMs ?? 50_000;
    this.jitter = o.refreshJitter ?? 0.2;
    this.random = o.random ?? Math.random;
    this.tmpfs = o.tmpfs ?? true;
    this.mounter = o.mounter ?? commandMounter;
    this.tokens = new TokenCache(o.tokenIssuer ?? new ApiTokenIssuer(o.client, this.clock), this.clock);
    this.objects = {
      configMap: (ns, name) => getConfigMapData(this.client, ns, name),
      secret: (ns, name) => getSecretData(this.client, ns, name),
      token: (pod, sa, spec) => this.tokens.get(pod, sa, spec),
      nodeAllocatable: o.nodeAllocatable,
    };
  }

  /** One operation at a time per pod: a refresh never races a sync or a teardown. */
  private serialize<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(uid) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.locks.set(uid, tail);
    void tail.then(() => {
      if (this.locks.get(uid) === tail) this.locks.delete(uid);
    });
    return next;
  }

  async mountPodVolumes(pod: Pod): Promise<Map<string, string>> {
    const uid = pod.metadata.uid ?? '';
    checkUid(uid);
    return this.serialize(uid, async () => {
      const prev = this.pods.get(uid);
      const now = this.clock.now();
      const key = metaKey(pod);
      const refreshContent = !prev || prev.metaKey !== key || now - prev.lastRefresh >= this.intervalMs;
      // Volumes set up and not due for new content stand as they are: a running pod's
      // resync (every few seconds, for every pod) need not check each directory again.
      if (!refreshContent && prev?.paths) {
        prev.pod = pod;
        return new Map(prev.paths);
      }
      const paths = await this.setUpAll(pod, refreshContent);
      this.pods.set(uid, { pod, metaKey: key, lastRefresh: refreshContent ? now : prev!.lastRefresh, paths: new Map(paths) });
      return paths;
    });
  }

  private async setUpAll(pod: Pod, refreshContent: boolean, objects: ObjectSource = this.objects): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const onStaleContent = (volume: string, err: Error) =>
      this.log.warn(`volume not refreshed, keeping its last content pod=${pod.metadata.namespace}/${pod.metadata.name} volume=${volume}: ${err.message}`);
    const ctx = { rootDir: this.rootDir, client: this.client, objects, tmpfs: this.tmpfs, mounter: this.mounter, refreshContent, onStaleContent, lastWritten: this.lastWritten };
    for (const v of (pod.spec.volumes ?? []) as VolumeSpec[]) {
      try {
        out.set(v.name, await setUpVolume(pod, v, ctx));
      } catch (e) {
        throw new VolumeSetupError(v.name, (e as Error).message, { cause: e });
      }
    }
    return out;
  }

  async unmountPodVolumes(podUid: string): Promise<void> {
    checkUid(podUid);
    return this.serialize(podUid, async () => {
      this.pods.delete(podUid);
      this.tokens.forgetPod(podUid);
      const dir = podVolumesDir(this.rootDir, podUid);
      for (const d of [...this.lastWritten.keys()]) if (d.startsWith(dir + path.sep)) this.lastWritten.delete(d);
      for (const m of await mountsUnder(dir)) {
        try {
          await unmount(m, this.mounter);
        } catch (e) {
          throw new VolumeTeardownError(podUid, (e as Error).message, { cause: e });
        }
      }
      const left = await mountsUnder(dir);
      // Never delete through a mount: that would empty whatever is mounted there.
      if (left.length > 0) throw new VolumeTeardownError(podUid, `still mounted: ${left.join(', ')}`);
      await rm(dir, { recursive: true, force: true });
      this.log.info(`volumes torn down pod_uid=${podUid}`);
    });
  }

  /**
   * Use of each emptyDir of a set-up pod against its sizeLimit, for stats and for an
   * eviction manager to act on (this manager only reports; it evicts nothing).
   */
  async emptyDirUsage(podUid: string): Promise<EmptyDirUsage[]> {
    const entry = this.pods.get(podUid);
    if (!entry) return [];
    const out: EmptyDirUsage[] = [];
    for (const v of (entry.pod.spec.volumes ?? []) as VolumeSpec[]) {
      if (!v.emptyDir) continue;
      const dir = volumeDir(this.rootDir, podUid, plugins.emptyDir, v.name);
      const limit = v.emptyDir.sizeLimit ? parseQuantity(v.emptyDir.sizeLimit) : undefined;
      const usedBytes = await diskUsage(dir);
      out.push({ volume: v.name, path: dir, usedBytes, limitBytes: limit, overLimit: limit !== undefined && usedBytes > limit });
    }
    return out;
  }

  /** UIDs of pods with a volumes directory on disk (set up by this or an earlier kubelet). */
  async podsOnDisk(): Promise<string[]> {
    const root = path.join(this.rootDir, 'pods');
    const uids = await readdir(root).catch(() => [] as string[]);
    const out: string[] = [];
    for (const uid of uids) {
      const has = await readdir(path.join(podDir(this.rootDir, uid), 'volumes')).then(() => true, () => false);
      if (has) out.push(uid);
    }
    return out;
  }

  /**
   * Tears down the volumes of every pod on disk that is not in keep (pods deleted while
   * no kubelet ran); answers the UIDs removed. Failures are logged and retried next time.
   */
  async cleanupOrphans(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const uid of await this.podsOnDisk()) {
      if (keep.has(uid)) continue;
      try {
        await this.unmountPodVolumes(uid);
        removed.push(uid);
      } catch (e) {
        this.log.warn(`orphaned pod volumes not removed pod_uid=${uid}: ${(e as Error).message}`);
      }
    }
    return removed;
  }

  /** Rewrites every known pod's API-backed volumes from fresh objects (and tokens due for rotation). */
  async refresh(): Promise<void> {
    // One read of each object per round: a node's pods mostly share the same few
    // (every pod's kube-root-ca.crt), and one round wants one view of each anyway.
    const objects = roundSource(this.objects);
    for (const uid of [...this.pods.keys()]) {
      await this.serialize(uid, async () => {
        const entry = this.pods.get(uid);
        if (!entry) return; // torn down meanwhile
        try {
          await this.setUpAll(entry.pod, true, objects);
          entry.lastRefresh = this.clock.now();
        } catch (e) {
          this.log.warn(`volume refresh failed pod=${entry.pod.metadata.namespace}/${entry.pod.metadata.name}: ${(e as Error).message}`);
        }
      });
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.refresh().finally(() => {
        this.inFlight = undefined;
        if (this.running) this.schedule();
      });
    }, this.intervalMs * (1 + this.jitter * this.random()));
  }

  /** Stops the refresh loop and waits for a refresh in progress. Mounts stay (they belong to running pods). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}

/** The source with ConfigMap and Secret reads shared within one refresh round. */
function roundSource(src: ObjectSource): ObjectSource {
  const seen = new Map<string, Promise<KeyedData | undefined>>();
  const once = (kind: string, ns: string, name: string, read: () => Promise<KeyedData | undefined>) => {
    const key = `${kind}/${ns}/${name}`;
    let p = seen.get(key);
    if (!p) seen.set(key, (p = read()));
    return p;
  };
  return {
    configMap: (ns, name) => once('cm', ns, name, () => src.configMap(ns, name)),
    secret: (ns, name) => once('secret', ns, name, () => src.secret(ns, name)),
    token: (pod, sa, spec) => src.token(pod, sa, spec),
    nodeAllocatable: src.nodeAllocatable,
  };
}
