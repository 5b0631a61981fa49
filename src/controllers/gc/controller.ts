// The garbage collector: informers over every listable, watchable, deletable resource
// (metadata only) feed one owner/dependent graph; a change to an object enqueues its
// uid, and a deletion enqueues its dependents (they may be dangling now) and its owners
// (one may be waiting in the foreground for it). Workers run syncGcItem per uid. New
// resources (CRDs) are picked up by a discovery round every rediscoveryMs.

import { setMaxListeners } from 'node:events';
import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';
import { runWorkers, type Workers } from '../../client/controller.js';
import { Informer, type ListWatchClient } from '../../client/informer.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { discoverGcResources, type GcResource } from './discovery.js';
import { OwnerGraph } from './graph.js';
import { metadataClient } from './metadata-client.js';
import { syncGcItem } from './sync.js';

export interface GarbageCollectorOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 5. */
  workers?: number;
  /** List/watch client; default metadata-only requests over client's transport. */
  listWatchClient?: ListWatchClient;
  /** How often discovery is asked for new resources. Default 30 s. */
  rediscoveryMs?: number;
  /** Resources never followed (group/resource, e.g. 'events' or 'coordination.k8s.io/leases'). Default events. */
  ignoredResources?: string[];
}

export interface GarbageCollector {
  stop(): Promise<void>;
  /** The graph, for tests and debugging. */
  readonly graph: OwnerGraph;
}

export function startGarbageCollector(opts: GarbageCollectorOptions): GarbageCollector {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const lw = opts.listWatchClient ?? metadataClient(client);
  const ignored = new Set(opts.ignoredResources ?? ['events', 'events.k8s.io/events']);
  const graph = new OwnerGraph();
  const queue = new WorkQueue<string>({ clock });
  const informers = new Map<string, Informer<KObject>>();
  let all: GcResource[] = [];
  const abort = new AbortController();
  // Every informer's waitForSync listens on this one signal, and there is one per resource.
  setMaxListeners(0, abort.signal);
  let workers: Workers | undefined;
  let timer: TimerHandle | undefined;

  const follow = (r: GcResource): Informer<KObject> => {
    const inf = new Informer<KObject>({ client: lw, resource: { group: r.group, version: r.version, resource: r.resource }, clock, log, name: `gc:${r.resource}` });
    inf.addEventHandler({
      onAdd: (o) => observe(r, o),
      onUpdate: (_old, o) => observe(r, o),
      onDelete: (o) => forget(o),
    });
    inf.start();
    return inf;
  };
  const observe = (r: GcResource, o: KObject) => {
    const node = graph.upsert(r, o);
    if (node) queue.add(node.uid);
  };
  const forget = (o: KObject) => {
    const uid = o.metadata.uid;
    if (!uid) return;
    const prev = graph.remove(uid);
    for (const dep of graph.dependents(uid)) queue.add(dep.uid);
    for (const owner of prev?.owners ?? []) queue.add(owner.uid);
  };

  const discover = async (): Promise<Informer<KObject>[]> => {
    const found = await discoverGcResources(client);
    all = found.resources;
    const added: Informer<KObject>[] = [];
    for (const r of found.preferred) {
      const id = r.group ? `${r.group}/${r.resource}` : r.resource;
      if (ignored.has(id) || informers.has(id)) continue;
      const inf = follow(r);
      informers.set(id, inf);
      added.push(inf);
    }
    return added;
  };
  const rediscover = () => {
    timer = clock.setTimeout(() => {
      if (abort.signal.aborted) return;
      discover().catch((err: Error) => log.warn(`garbage collector: discovery failed: ${err.message}`)).finally(() => {
        if (!abort.signal.aborted) rediscover();
      });
    }, opts.rediscoveryMs ?? 30_000);
  };

  const ready = (async () => {
    // Until discovery answers there is nothing to follow; keep asking.
    for (;;) {
      try {
        await discover();
        break;
      } catch (err) {
        log.warn(`garbage collector: discovery failed: ${(err as Error).message}`);
        await new Promise<void>((r) => clock.setTimeout(r, 2000));
        if (abort.signal.aborted) return;
      }
    }
    // Deciding before every cache is full would take live owners for gone ones (the
    // GET check would save the object, but at the cost of a request per dependent).
    const synced = await Promise.all([...informers.values()].map((i) => i.waitForSync(abort.signal)));
    if (abort.signal.aborted || !synced.every(Boolean)) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 5, name: 'garbage-collector', log, sync: (uid) => syncGcItem(uid, { client, graph, resources: () => all, log }) });
    rediscover();
    log.info(`garbage collector started (${informers.size} resources, ${graph.size()} objects)`);
  })();

  return {
    graph,
    async stop() {
      abort.abort();
      if (timer) clock.clearTimeout(timer);
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      await Promise.all([...informers.values()].map((i) => i.stop()));
    },
  };
}
