// Shares informers between controllers: asking twice for the same collection (resource,
// namespace, selectors) gives the same Informer, so one list and one watch feed every
// controller that follows it, as client-go's shared informer factory does.

import { realClock, type Clock } from './clock.js';
import { Informer, type InformerOptions, type ListWatchClient } from './informer.js';
import { silentLogger, type Logger } from './log.js';
import type { KObject } from './types.js';

export type InformerRequest<T extends KObject> = Omit<InformerOptions<T>, 'client' | 'clock' | 'log'>;

export interface InformerFactoryOptions {
  client: ListWatchClient;
  clock?: Clock;
  log?: Logger;
}

export class InformerFactory {
  private readonly informers = new Map<string, Informer<KObject>>();
  private started = false;
  private stopped = false;

  constructor(private readonly opts: InformerFactoryOptions) {}

  /**
   * The shared informer for a collection. Options other than the collection and its
   * indexers (page size, resync) come from the first request; every request's indexers
   * are added. Informers asked for after start() start at once.
   */
  informer<T extends KObject>(req: InformerRequest<T>): Informer<T> {
    const r = req.resource;
    const key = JSON.stringify([r.group, r.version, r.resource, r.namespace ?? '', req.labelSelector ?? '', req.fieldSelector ?? '']);
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<T>({ ...req, client: this.opts.client, clock: this.opts.clock ?? realClock, log: this.opts.log ?? silentLogger }) as unknown as Informer<KObject>;
      this.informers.set(key, inf);
      if (this.started && !this.stopped) inf.start();
    } else if (req.indexers) {
      (inf as unknown as Informer<T>).addIndexers(req.indexers);
    }
    return inf as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  /** True once every informer made so far has synced; false if stopped first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
