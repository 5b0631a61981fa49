// The resource quota controller: keeps each ResourceQuota's status (hard and used)
// current, so `kubectl describe quota` shows what a namespace uses. Keys are namespace
// names; a pod or quota change in a namespace recomputes every quota there, and a
// periodic resync catches counts of kinds it does not watch.

import { runWorkers } from '../../client/controller.js';
import { isNotFound } from '../../client/errors.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { addUsage, countedResources, formatUsage, podCounts, podUsage, type Usage } from '../../api/quota-usage.js';

export interface ResourceQuotaControllerOptions {
  client: RestClient;
  log: Logger;
  /** How often every namespace with quotas is recomputed. Default 30 s. */
  resyncMs?: number;
  informers?: InformerFactory;
}

interface Quota extends KObject {
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

export function startResourceQuotaController(opts: ResourceQuotaControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const queue = new WorkQueue<string>();
  const factory = opts.informers ?? new InformerFactory({ client, log });
  const quotas = factory.informer<Quota>({ resource: { group: '', version: 'v1', resource: 'resourcequotas' }, resyncMs: opts.resyncMs ?? 30_000, name: 'resourcequotas' });
  const pods = factory.informer<KObject>({ resource: { group: '', version: 'v1', resource: 'pods' }, name: 'pods' });
  const enqueue = (o: KObject) => {
    if (o.metadata.namespace && quotas.lister.list(o.metadata.namespace).length > 0) queue.add(o.metadata.namespace);
  };
  const unsubscribe = [
    quotas.addEventHandler({ onAdd: (q) => q.metadata.namespace && queue.add(q.metadata.namespace), onUpdate: (_o, q) => q.metadata.namespace && queue.add(q.metadata.namespace) }),
    pods.addEventHandler({ onAdd: enqueue, onUpdate: (_o, p) => enqueue(p), onDelete: enqueue }),
  ];
  factory.start();
  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = Promise.all([quotas.waitForSync(abort.signal), pods.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: 2,
      name: 'resourcequota-controller',
      log,
      sync: async (ns) => {
        for (const q of quotas.lister.list(ns)) await syncQuota(client, q, () => pods.lister.list(ns));
      },
    });
    log.info('resourcequota controller started');
  });
  return {
    async stop() {
      abort.abort();
      for (const u of unsubscribe) u();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}

async function syncQuota(client: RestClient, q: Quota, podsOf: () => KObject[]): Promise<void> {
  const ns = q.metadata.namespace as string;
  const hard = q.spec?.hard ?? {};
  const used: Usage = new Map();
  for (const p of podsOf()) if (podCounts(p)) addUsage(used, podUsage(p));
  for (const resource of countedResources.filter((r) => r !== 'pods')) {
    if (!(resource in hard) && !(`count/${resource}` in hard)) continue;
    const n = (await client.list(`/api/v1/namespaces/${encodeURIComponent(ns)}/${resource}`)).items.length;
    used.set(resource, n);
    used.set(`count/${resource}`, n);
  }
  const usedOut: Record<string, string> = {};
  for (const k of Object.keys(hard)) usedOut[k] = formatUsage(used.get(k) ?? 0);
  if (JSON.stringify(q.status?.hard ?? {}) === JSON.stringify(hard) && JSON.stringify(q.status?.used ?? {}) === JSON.stringify(usedOut)) return;
  try {
    await client.patch(`/api/v1/namespaces/${encodeURIComponent(ns)}/resourcequotas/${encodeURIComponent(q.metadata.name as string)}/status`, { status: { hard, used: usedOut } }, 'merge');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
