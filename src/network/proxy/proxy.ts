// The node's service proxy: follows Services and EndpointSlices and, after a burst of
// changes, rewrites its whole nftables table in one transaction. Level-triggered: every
// sync renders from the full cache, so a missed or reordered event never matters.
import { Informer, silentLogger, type ListWatchClient, type Logger } from '../../client/index.js';
import { deleteTableScript, execNft } from './nft.js';
import { DeltaUnsupportedError, renderDelta } from './delta.js';
import { DrainTracker, type EndpointGone } from './drain.js';
import { buildRuleset, RenderCache, rulesetText, type Ruleset } from './render.js';
import type { EndpointSlice, NftRunner, Service } from './types.js';

export interface ServiceProxyOptions {
  client: ListWatchClient;
  nodeName: string;
  /** Default '10.42.0.0/16'. */
  clusterCIDR?: string;
  log?: Logger;
  nft?: NftRunner;
  /** Default 'k8ts-proxy'; tests use their own. */
  table?: string;
  /** Shortest gap between two syncs; default 100 ms. */
  minSyncIntervalMs?: number;
  /** Incremental syncs between two full replacements; default 100. */
  fullSyncEvery?: number;
  /** A failed apply is retried after this long; default 1 s. */
  retryMs?: number;
}

export class ServiceProxy {
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly log: Logger;
  private readonly nft: NftRunner;
  private readonly table: string;
  private readonly minGap: number;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private dirty = false;
  private lastSync = 0;
  /** What the kernel holds after the last successful sync; unset means "unknown". */
  private applied?: Ruleset;
  private syncsSinceFull = 0;
  private readonly cache = new RenderCache();
  private stopped = false;
  private readonly drain: DrainTracker;

  constructor(private readonly opts: ServiceProxyOptions) {
    this.log = opts.log ?? silentLogger;
    this.nft = opts.nft ?? execNft;
    this.table = opts.table ?? 'k8ts-proxy';
    this.minGap = opts.minSyncIntervalMs ?? 100;
    this.services = new Informer<Service>({ client: opts.client, resource: { group: '', version: 'v1', resource: 'services' }, log: this.log });
    this.slices = new Informer<EndpointSlice>({
      client: opts.client, resource: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, log: this.log,
    });
    this.drain = new DrainTracker(() => this.slices.lister.list());
    const changed = () => { this.drain.changed(); this.requestSync(); };
    const kick = { onAdd: changed, onUpdate: changed, onDelete: changed };
    this.services.addEventHandler(kick);
    this.slices.addEventHandler(kick);
  }

  /** Starts the informers; the first sync runs once both have listed. */
  async start(): Promise<void> {
    this.services.start();
    this.slices.start();
    const ok = (await this.services.waitForSync()) && (await this.slices.waitForSync());
    if (ok && !this.stopped) await this.syncNow();
  }

  /** Renders and applies now (waits for a sync already running, then runs one more). */
  async syncNow(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    while (this.syncing) await this.syncing;
    this.dirty = false;
    this.syncing = this.apply().finally(() => { this.syncing = undefined; });
    await this.syncing;
  }

  /**
   * Resolves once no EndpointSlice lists ip as ready and this node's kernel rules no
   * longer send new connections to it as a ready endpoint (the kubelet waits for this
   * before stopping a deleted pod). Bound it with the signal: without syncs it never ends.
   */
  whenEndpointGone(ip: string, signal?: AbortSignal): Promise<EndpointGone> {
    return this.drain.whenGone(ip, signal);
  }

  /** Stops following changes; with cleanup, deletes the table (the node is leaving). */
  async stop(opts: { cleanup?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    await Promise.all([this.services.stop(), this.slices.stop()]);
    while (this.syncing) await this.syncing.catch(() => {});
    if (opts.cleanup) await this.nft.apply(deleteTableScript('ip', this.table));
  }

  private requestSync(): void {
    if (this.stopped || !this.services.hasSynced() || !this.slices.hasSynced()) return;
    this.dirty = true;
    if (this.timer || this.syncing) return; // the pending/current sync picks the change up
    const wait = Math.max(0, this.lastSync + this.minGap - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; this.runScheduled(); }, wait);
  }

  private runScheduled(): void {
    if (this.stopped) return;
    this.syncNow().catch((err: unknown) => {
      this.log.error(`service proxy: sync failed: ${(err as Error).message}`);
      this.dirty = true;
      this.timer = setTimeout(() => { this.timer = undefined; this.runScheduled(); }, this.opts.retryMs ?? 1000);
    });
  }

  private async apply(): Promise<void> {
    const gen = this.drain.snapshot();
    const next = buildRuleset(this.services.lister.list(), this.slices.lister.list(), {
      nodeName: this.opts.nodeName, clusterCIDR: this.opts.clusterCIDR ?? '10.42.0.0/16', table: this.table,
    }, this.cache);
    this.lastSync = Date.now();
    try {
      // Incremental while the kernel's state is known; a full replacement at start, after
      // any failure, and every so often to repair whatever else may have touched the table.
      const full = !this.applied || this.syncsSinceFull >= (this.opts.fullSyncEvery ?? 100);
      const text = full ? rulesetText(next) : tryDelta(this.applied!, next);
      this.applied = undefined;
      if (text === undefined) {
        await this.nft.apply(rulesetText(next));
        this.syncsSinceFull = 0;
      } else if (text !== '') {
        await this.nft.apply(text);
        this.syncsSinceFull = full ? 0 : this.syncsSinceFull + 1;
      }
      this.applied = next;
      this.drain.applied(gen);
    } finally {
      // Changes that arrived while applying get their own (batched) sync.
      if (this.dirty && !this.stopped && !this.timer) {
        this.timer = setTimeout(() => { this.timer = undefined; this.runScheduled(); }, this.minGap);
      }
    }
  }
}

function tryDelta(prev: Ruleset, next: Ruleset): string | undefined {
  try {
    return renderDelta(prev, next);
  } catch (err) {
    if (err instanceof DeltaUnsupportedError) return undefined;
    throw err;
  }
}
