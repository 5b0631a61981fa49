// PodRouteManager: the host-gw backend of the pod network. It follows the Nodes and keeps
// one kernel route per other node's pod CIDR, via that node's InternalIP, so that pods
// on different nodes reach each other with their own addresses. Level-triggered: each
// sync compares the whole Node cache with the kernel's routes of our protocol, so a
// missed event, a route someone deleted, or a restart in between never matters.
import { Informer, silentLogger, type ListWatchClient, type Logger } from '../../client/index.js';
import { computeDesiredRoutes, podCIDRsOf, type LocalAddress, type NodeLike, type PodRoute, type SkippedNode } from './desired.js';
import { IpRouteTable, type KernelRoute, type RouteTable } from './kernel.js';

export interface PodRouteManagerOptions {
  client: ListWatchClient;
  /** This node: its own pod CIDR is on its bridge and needs no route. */
  nodeName: string;
  log?: Logger;
  /** Only pod CIDRs inside it are routed. Default 10.42.0.0/16. */
  clusterCIDR?: string;
  /** Default: the main table through `ip`, protocol 75, metric 75. */
  routes?: RouteTable;
  /** The kernel is compared with the Nodes this often even without events; default 30 s. */
  resyncMs?: number;
  /** Shortest gap between two syncs, to batch bursts of Node updates; default 50 ms. */
  minSyncIntervalMs?: number;
  /** A failed sync is retried after this long, doubling while it keeps failing (up to resyncMs); default 2 s. */
  retryMs?: number;
}

/** What of a Node the routes depend on: status heartbeats that change none of it cost nothing. */
function routingFacts(n: NodeLike): string {
  return JSON.stringify([podCIDRsOf(n), n.status?.addresses ?? [], Boolean(n.metadata.deletionTimestamp)]);
}

/** Reasons logged one by one per sync; the rest in one line (a thousand hollow nodes are all off the L2 network). */
const REASONS_LOGGED = 3;

function sameRoute(k: KernelRoute, d: PodRoute, metric: number): boolean {
  return k.dst === d.dst && k.via === d.via && k.dev === d.dev && k.metric === metric;
}

export class PodRouteManager {
  private readonly nodes: Informer<NodeLike>;
  private readonly log: Logger;
  private readonly routes: RouteTable;
  private readonly clusterCIDR: string;
  private readonly metric: number;
  private timer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private lastSync = 0;
  private stopped = false;
  /** Why each node has no route, as last logged: each reason is logged once, not every sync. */
  private readonly reasons = new Map<string, string>();
  /** The host's addresses as last read, and the routes last known to be in the kernel (unset: read it). */
  private local?: LocalAddress[];
  private applied?: string;
  /** Nodes whose route a foreign route blocked at the last kernel sync (their reasons stay logged). */
  private blocked: SkippedNode[] = [];
  /** Set: the next sync starts by forgetting both (a sync in flight may yet record them). */
  private readAfresh = true;
  private failures = 0;

  constructor(private readonly opts: PodRouteManagerOptions) {
    this.log = opts.log ?? silentLogger;
    const table = opts.routes ?? new IpRouteTable();
    this.routes = table;
    this.metric = table.metric;
    this.clusterCIDR = opts.clusterCIDR ?? '10.42.0.0/16';
    this.nodes = new Informer<NodeLike>({ client: opts.client, resource: { group: '', version: 'v1', resource: 'nodes' }, log: this.log });
    const kick = () => this.requestSync();
    this.nodes.addEventHandler({
      onAdd: kick,
      onUpdate: (old, cur) => { if (routingFacts(old) !== routingFacts(cur)) kick(); },
      onDelete: kick,
    });
  }

  /** Lists the Nodes, then brings the routes in line once before returning. */
  async start(): Promise<void> {
    this.nodes.start();
    if (!(await this.nodes.waitForSync()) || this.stopped) return;
    await this.runSync().catch((err: unknown) => this.failed(err));
    this.scheduleResync();
  }

  /** Stops following the Nodes. The routes stay: pods keep talking while the agent restarts. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    await this.nodes.stop();
    await this.syncing?.catch(() => {});
  }

  /** Deletes every route of our protocol (node uninstall); works without start. Answers how many. */
  async removeAll(): Promise<number> {
    await this.syncing?.catch(() => {});
    const own = await this.routes.listOwn();
    for (const r of own) await this.routes.delete(r);
    this.forgetKernel();
    return own.length;
  }

  /** Compares the Nodes with the kernel's routes and addresses, read afresh, now (after a sync already running). */
  async syncNow(): Promise<void> {
    this.forgetKernel();
    await this.runSync();
  }

  private async runSync(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    while (this.syncing) await this.syncing.catch(() => {});
    this.syncing = this.sync().finally(() => { this.syncing = undefined; this.lastSync = Date.now(); });
    await this.syncing;
  }

  private requestSync(delayMs?: number): void {
    if (this.stopped || this.timer || !this.nodes.hasSynced()) return;
    const gap = this.opts.minSyncIntervalMs ?? 50;
    const wait = delayMs ?? Math.max(0, this.lastSync + gap - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.runSync().catch((err: unknown) => this.failed(err));
    }, wait);
  }

  private failed(err: unknown): void {
    this.forgetKernel();
    const delay = Math.min((this.opts.retryMs ?? 2000) * 2 ** this.failures, this.opts.resyncMs ?? 30_000);
    this.failures++;
    this.log.error(`pod routes: sync failed, retrying in ${delay} ms: ${err instanceof Error ? err.message : String(err)}`);
    this.requestSync(delay);
  }

  private scheduleResync(): void {
    if (this.stopped) return;
    this.resyncTimer = setTimeout(() => {
      this.forgetKernel();
      this.requestSync();
      this.scheduleResync();
    }, this.opts.resyncMs ?? 30_000);
    this.resyncTimer.unref?.();
  }

  /** The next sync reads the host's addresses and routes again instead of trusting the last one. */
  private forgetKernel(): void {
    this.readAfresh = true;
  }

  private async sync(): Promise<void> {
    if (this.readAfresh) {
      this.readAfresh = false;
      this.local = undefined;
      this.applied = undefined;
    }
    this.local ??= await this.routes.localAddresses();
    const { routes: desired, skipped } = computeDesiredRoutes(this.nodes.lister.list(), this.opts.nodeName, this.local, this.clusterCIDR);
    const key = JSON.stringify(desired);
    if (key === this.applied) {
      // Node events that change no route need no `ip` at all; the periodic resync still
      // compares with the kernel itself.
      this.logReasons([...skipped, ...this.blocked]);
      return;
    }
    this.applied = undefined;
    const blocked: SkippedNode[] = [];
    const own = await this.routes.listOwn();
    // Deletions first: a node whose CIDR moved to another node must lose its route
    // before the new owner's replaces it (else both briefly point at one prefix).
    for (const k of own) {
      if (!desired.some((d) => sameRoute(k, d, this.metric))) {
        await this.routes.delete(k);
        this.log.info(`pod routes: removed ${k.dst} via ${k.via} dev ${k.dev}`);
      }
    }
    let firstError: unknown;
    for (const d of desired) {
      if (own.some((k) => sameRoute(k, d, this.metric))) continue;
      try {
        if (await this.routes.foreignRouteAt(d.dst)) {
          blocked.push({ node: d.node, reason: `a route to ${d.dst} at metric ${this.metric} that k8ts did not make is in the way; leaving it alone` });
          continue;
        }
        await this.routes.replace(d);
        this.log.info(`pod routes: ${d.dst} via ${d.via} dev ${d.dev} (node ${d.node})`);
      } catch (err) {
        // One bad route (a device going down, say) must not hold back the others.
        firstError ??= err;
      }
    }
    this.blocked = blocked;
    this.logReasons([...skipped, ...blocked]);
    if (firstError !== undefined) throw firstError;
    // Routes blocked by foreign ones are rechecked by the periodic resync only.
    this.applied = key;
    this.failures = 0;
  }

  private logReasons(skipped: SkippedNode[]): void {
    const now = new Set<string>();
    const fresh: SkippedNode[] = [];
    for (const s of skipped) {
      now.add(s.node);
      if (this.reasons.get(s.node) === s.reason) continue;
      this.reasons.set(s.node, s.reason);
      fresh.push(s);
    }
    for (const node of [...this.reasons.keys()]) if (!now.has(node)) this.reasons.delete(node);
    for (const s of fresh.slice(0, REASONS_LOGGED)) this.log.info(`pod routes: no route to node ${s.node}'s pods: ${s.reason}`);
    if (fresh.length > REASONS_LOGGED) {
      this.log.info(`pod routes: and ${fresh.length - REASONS_LOGGED} more nodes without a route (${fresh.slice(REASONS_LOGGED).map((s) => s.node).slice(0, 5).join(', ')}, ...)`);
    }
  }
}
