// An informer keeps a local cache of one resource in step with the API server: list
// (paged), then watch from the list's resourceVersion; a watch the server ends cleanly is
// resumed from the last resourceVersion seen, and a 410 Gone or a broken connection
// leads to a fresh list (after a back-off when the cause was an error). Handlers see
// every change as add/update/delete; after a relist, objects that vanished meanwhile are
// reported as deleted, so a missed event never leaves the cache wrong.

import { realClock, sleep, type Clock, type TimerHandle } from './clock.js';
import { isGone } from './errors.js';
import { silentLogger, type Logger } from './log.js';
import { Cache, type IndexFunc, type Lister } from './lister.js';
import { resourcePath, type Query, type ResourceRef } from './resource-path.js';
import { objectKey, type KList, type KObject, type WatchEvent } from './types.js';

/** The two calls an informer makes; RestClient has them. */
export interface ListWatchClient {
  list<T extends KObject>(path: string, query?: Query, signal?: AbortSignal): Promise<KList<T>>;
  watch<T extends KObject>(path: string, query: Query, onEvent: (ev: WatchEvent<T>) => void | Promise<void>, signal?: AbortSignal): Promise<void>;
}

export interface EventHandlers<T extends KObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** Receives the last state known: the watch's final object, or the cached one after a relist. */
  onDelete?(obj: T): void;
}

export interface InformerOptions<T extends KObject> {
  client: ListWatchClient;
  /** The collection to follow; set namespace to follow one namespace only. */
  resource: Omit<ResourceRef, 'name' | 'subresource'>;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page. Default 500. */
  pageSize?: number;
  /** Calls onUpdate(obj, obj) for every cached object this often; 0 (default) for never. */
  resyncMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  /** Back-off after a failed list or broken watch: initial and largest delay. Defaults 800 ms and 30 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Server-side timeout asked for each watch. Default a random 300-600 s, so watches do not all end together. */
  watchTimeoutSeconds?: number;
  clock?: Clock;
  log?: Logger;
  /** Used in log lines. Default the resource name. */
  name?: string;
}

export class Informer<T extends KObject = KObject> {
  private readonly cache: Cache<T>;
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly path: string;
  private readonly name: string;
  private running?: Promise<void>;
  private synced = false;
  private syncWaiters: ((ok: boolean) => void)[] = [];
  private resourceVersion = '';
  private resyncTimer?: TimerHandle;

  constructor(private readonly opts: InformerOptions<T>) {
    this.cache = new Cache<T>(opts.indexers);
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.path = resourcePath(opts.resource);
    this.name = opts.name ?? opts.resource.resource;
  }

  get lister(): Lister<T> {
    return this.cache;
  }

  /** Adds indexes the cache does not have yet (see Cache.addIndexers). */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.cache.addIndexers(indexers);
  }

  /**
   * Registers handlers; once synced, a late handler first gets onAdd for every cached
   * object. Answers a function that removes them again (for controllers sharing an
   * informer that stop before it does).
   */
  addEventHandler(h: EventHandlers<T>): () => void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.cache.list()) this.call(() => h.onAdd?.(o));
    return () => {
      const i = this.handlers.indexOf(h);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  start(): void {
    if (this.running) return;
    this.running = this.run();
    this.scheduleResync();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true after the first complete list, false if stopped (or signal aborts) first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.abort.signal.aborted || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.syncWaiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(false), { once: true });
    });
  }

  /** The resourceVersion of the newest state the cache reflects. */
  lastResourceVersion(): string {
    return this.resourceVersion;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.resyncTimer) this.clock.clearTimeout(this.resyncTimer);
    for (const w of this.syncWaiters.splice(0)) w(false);
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const initial = this.opts.backoffInitialMs ?? 800;
    const max = this.opts.backoffMaxMs ?? 30_000;
    let delay = initial;
    while (!signal.aborted) {
      try {
        await this.relist(signal);
        delay = initial;
        await this.watchLoop(signal);
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          // The server compacted past our resourceVersion: a fresh list is the cure, at once.
          this.log.info(`informer ${this.name}: watch expired (${(err as Error).message}); relisting`);
          continue;
        }
        this.log.warn(`informer ${this.name}: ${(err as Error).name}: ${(err as Error).message}; relisting in ${delay} ms`);
        await sleep(this.clock, delay, signal);
        delay = Math.min(max, delay * 2);
      }
    }
  }

  /** Watches until an error; a cleanly ended watch is resumed from the last resourceVersion. */
  private async watchLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const timeoutSeconds = this.opts.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300);
      const started = this.clock.now();
      let events = 0;
      await this.opts.client.watch<T>(
        this.path,
        this.query({ resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds }),
        (ev) => {
          events++;
          this.apply(ev);
        },
        signal,
      );
      // A server that ends watches at once would otherwise be hammered in a tight loop.
      if (events === 0 && this.clock.now() - started < 1000) await sleep(this.clock, 1000, signal);
    }
  }

  private query(extra: Query): Query {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, ...extra };
  }

  private async listAll(signal: AbortSignal): Promise<KList<T>> {
    const limit = this.opts.pageSize ?? 500;
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    try {
      do {
        const page = await this.opts.client.list<T>(this.path, this.query({ limit, continue: cont }), signal);
        items.push(...withTypeMeta(page));
        cont = page.metadata?.continue || undefined;
        rv = page.metadata?.resourceVersion ?? rv;
      } while (cont && !signal.aborted);
    } catch (err) {
      // An expired continue token: the snapshot is gone, so take the whole list in one go.
      if (!(isGone(err) && cont)) throw err;
      const whole = await this.opts.client.list<T>(this.path, this.query({}), signal);
      return { metadata: whole.metadata, items: withTypeMeta(whole) };
    }
    return { metadata: { resourceVersion: rv }, items };
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const list = await this.listAll(signal);
    if (signal.aborted) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(objectKey(obj));
      const old = this.cache.set(obj);
      if (old) this.emitUpdate(old, obj);
      else this.emitAdd(obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key);
      if (old) this.emitDelete(old);
    }
    this.resourceVersion = list.metadata.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w(true);
    }
  }

  private apply(ev: WatchEvent<T>): void {
    const rv = ev.object.metadata?.resourceVersion;
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
      const old = this.cache.set(ev.object);
      if (old) this.emitUpdate(old, ev.object);
      else this.emitAdd(ev.object);
    } else if (ev.type === 'DELETED') {
      const old = this.cache.delete(objectKey(ev.object));
      this.emitDelete(ev.object ?? old);
    }
    if (rv) this.resourceVersion = rv;
  }

  private scheduleResync(): void {
    const every = this.opts.resyncMs ?? 0;
    if (every <= 0 || this.abort.signal.aborted) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.synced) for (const o of this.cache.list()) this.emitUpdate(o, o);
      this.scheduleResync();
    }, every);
  }

  private emitAdd(o: T): void {
    for (const h of this.handlers) this.call(() => h.onAdd?.(o));
  }

  private emitUpdate(a: T, b: T): void {
    for (const h of this.handlers) this.call(() => h.onUpdate?.(a, b));
  }

  private emitDelete(o: T): void {
    for (const h of this.handlers) this.call(() => h.onDelete?.(o));
  }

  /** A failing handler must not stop the informer or the other handlers. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`informer ${this.name}: handler failed: ${(err as Error).message}`);
    }
  }
}

/**
 * List items arrive without apiVersion and kind (the list carries them), watch events
 * with them; filling them in keeps every cached object alike, so owner references and
 * event references can be built from any of them.
 */
function withTypeMeta<T extends KObject>(list: KList<T>): T[] {
  const kind = typeof list.kind === 'string' && list.kind.endsWith('List') ? list.kind.slice(0, -4) : undefined;
  const apiVersion = list.apiVersion;
  const items = Array.isArray(list.items) ? list.items : [];
  if (!kind || !apiVersion) return items;
  for (const o of items) {
    o.kind ??= kind;
    o.apiVersion ??= apiVersion;
  }
  return items;
}
