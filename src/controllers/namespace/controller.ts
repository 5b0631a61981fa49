// The namespace controller: a namespace marked for deletion (deletionTimestamp set) whose
// spec.finalizers still holds `kubernetes` has all its content deleted; once every list
// comes back empty, the controller removes its finalizer through the finalize
// subresource and the API server deletes the namespace itself. Level-triggered: each
// pass starts from a fresh read of the namespace and of the server's discovery, so a
// pass that is interrupted, or an event that is missed, changes nothing.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers, type SyncResult } from '../../client/controller.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { deletionConditions, mergeConditions, type NamespaceCondition } from './conditions.js';
import { deleteNamespaceContent, resourceLabel } from './content.js';
import { discoverDeletableResources } from './discovery.js';

export const kubernetesFinalizer = 'kubernetes';

export interface Namespace extends KObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

export class NamespaceContentError extends Error {
  override name = 'NamespaceContentError';
}

export interface NamespaceControllerOptions {
  client: RestClient;
  log: Logger;
  /** Concurrent namespace syncs. Default 5. */
  workers?: number;
  /** How soon to look again while content remains. Default 3000 ms. */
  requeueAfterMs?: number;
  /** Informer resync period. Default 5 minutes, as Kubernetes. */
  resyncMs?: number;
  /** Shared informers; by default the controller makes (and stops) its own. */
  informers?: InformerFactory;
  clock?: Clock;
}

export interface StoppableController {
  stop(): Promise<void>;
}

const nsPath = (name: string) => `/api/v1/namespaces/${encodeURIComponent(name)}`;

export function startNamespaceController(opts: NamespaceControllerOptions): StoppableController {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const factory = opts.informers ?? new InformerFactory({ client, clock, log });
  const informer = factory.informer<Namespace>({
    resource: { group: '', version: 'v1', resource: 'namespaces' },
    resyncMs: opts.resyncMs ?? 5 * 60_000,
    name: 'namespaces',
  });
  // Only namespaces being deleted are work; enqueue on every update of one, since a
  // missed update must not leave it waiting for the resync.
  const enqueue = (ns: Namespace) => {
    if (ns.metadata.deletionTimestamp && ns.metadata.name) queue.add(ns.metadata.name);
  };
  const unsubscribe = informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });

  const sync = (name: string) => syncNamespace(name, { client, log, clock, requeueAfterMs: opts.requeueAfterMs ?? 3000 });
  factory.start();
  const workers = runWorkers({ queue, sync, workers: opts.workers ?? 5, name: 'namespace-controller', log });
  log.info('namespace controller started');
  return {
    async stop() {
      unsubscribe();
      await workers.stop();
      if (!opts.informers) await factory.stop();
    },
  };
}

interface SyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  requeueAfterMs: number;
}

export async function syncNamespace(name: string, d: SyncDeps): Promise<SyncResult | void> {
  let ns: Namespace;
  try {
    ns = await d.client.get<Namespace>(nsPath(name));
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (!ns.metadata.deletionTimestamp) return;
  const finalizers = ns.spec?.finalizers ?? [];
  if (!finalizers.includes(kubernetesFinalizer)) return;

  const discovery = await discoverDeletableResources(d.client);
  const report = await deleteNamespaceContent(d.client, name, discovery.resources, d.clock.now());
  ns = await updateConditions(ns, deletionConditions(discovery.failures, report), d);

  if (discovery.failures.size || report.failures.size) {
    const what = [...discovery.failures.keys(), ...report.failures.keys()].join(', ');
    throw new NamespaceContentError(`namespace ${name}: could not enumerate or delete all content (${what})`);
  }
  if (report.remaining.size) {
    const left = [...report.remaining.entries()].map(([r, n]) => `${r}=${n}`).join(' ');
    d.log.info(`namespace ${name}: waiting for content to go: ${left}`);
    const wait = report.podGraceSeconds > 0 ? Math.max(d.requeueAfterMs, report.podGraceSeconds * 1000) : d.requeueAfterMs;
    return { requeueAfterMs: wait };
  }
  try {
    await d.client.update(`${nsPath(name)}/finalize`, {
      ...ns,
      spec: { ...ns.spec, finalizers: finalizers.filter((f) => f !== kubernetesFinalizer) },
    });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  d.log.info(`namespace ${name}: content deleted (${discovery.resources.map(resourceLabel).length} resource types checked), finalizer removed`);
}

/** Writes the phase and deletion conditions when they changed; answers the namespace as now stored. */
async function updateConditions(ns: Namespace, next: ReturnType<typeof deletionConditions>, d: SyncDeps): Promise<Namespace> {
  const now = new Date(d.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const merged = mergeConditions(ns.status?.conditions ?? [], next, now);
  // The API server marks a deleted namespace Terminating; make sure of it, as Kubernetes does.
  const phaseOk = ns.status?.phase === 'Terminating';
  if (!merged && phaseOk) return ns;
  try {
    const status = { ...ns.status, phase: 'Terminating', conditions: merged ?? ns.status?.conditions ?? [] };
    return await d.client.update<Namespace>(`${nsPath(ns.metadata.name!)}/status`, { ...ns, status });
  } catch (err) {
    // Conditions are advice for humans; a lost race here is fixed by the next pass.
    if (isConflict(err) || isNotFound(err)) {
      d.log.warn(`namespace ${ns.metadata.name}: conditions not written: ${(err as Error).message}`);
      return isNotFound(err) ? ns : await d.client.get<Namespace>(nsPath(ns.metadata.name!));
    }
    throw err;
  }
}
