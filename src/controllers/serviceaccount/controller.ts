// The service account controller: every active namespace has a `default`
// ServiceAccount; one that is deleted is created again. Keys are namespace names; sync
// compares the cached namespace and its service accounts and creates what is missing.

import { runWorkers } from '../../client/controller.js';
import { ApiStatusError, isAlreadyExists, isNotFound } from '../../client/errors.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { Lister } from '../../client/lister.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';

export interface ServiceAccountControllerOptions {
  client: RestClient;
  log: Logger;
  /** Names ensured in every namespace. Default ['default']. */
  serviceAccounts?: string[];
  /** Default 3. */
  workers?: number;
  /** Informer resync period. Default 5 minutes. */
  resyncMs?: number;
  /** Shared informers; by default the controller makes (and stops) its own. */
  informers?: InformerFactory;
}

interface Namespace extends KObject {
  status?: { phase?: string };
}

export function startServiceAccountController(opts: ServiceAccountControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const names = opts.serviceAccounts ?? ['default'];
  const queue = new WorkQueue<string>();
  const resyncMs = opts.resyncMs ?? 5 * 60_000;
  const factory = opts.informers ?? new InformerFactory({ client, log });
  const namespaces = factory.informer<Namespace>({ resource: { group: '', version: 'v1', resource: 'namespaces' }, resyncMs, name: 'namespaces' });
  const accounts = factory.informer<KObject>({ resource: { group: '', version: 'v1', resource: 'serviceaccounts' }, name: 'serviceaccounts' });
  const enqueueNs = (ns: Namespace) => ns.metadata.name && queue.add(ns.metadata.name);
  const unsubscribeNs = namespaces.addEventHandler({ onAdd: enqueueNs, onUpdate: (_o, ns) => enqueueNs(ns) });
  const unsubscribeSa = accounts.addEventHandler({
    onDelete: (sa) => {
      if (sa.metadata.namespace && names.includes(sa.metadata.name ?? '')) queue.add(sa.metadata.namespace);
    },
  });
  factory.start();

  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  // Syncing before the service account cache is full would create accounts that exist.
  const ready = Promise.all([namespaces.waitForSync(abort.signal), accounts.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: opts.workers ?? 3,
      name: 'serviceaccount-controller',
      log,
      sync: (ns) => syncServiceAccounts(ns, { client, log, names, namespaces: namespaces.lister, accounts: accounts.lister }),
    });
    log.info('serviceaccount controller started');
  });
  return {
    async stop() {
      abort.abort();
      unsubscribeNs();
      unsubscribeSa();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}

interface SyncDeps {
  client: RestClient;
  log: Logger;
  names: string[];
  namespaces: Lister<Namespace>;
  accounts: Lister<KObject>;
}

export async function syncServiceAccounts(namespace: string, d: SyncDeps): Promise<void> {
  const ns = d.namespaces.get('', namespace);
  if (!ns || ns.metadata.deletionTimestamp || (ns.status?.phase && ns.status.phase !== 'Active')) return;
  for (const name of d.names) {
    if (d.accounts.get(namespace, name)) continue;
    try {
      await d.client.create(`/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts`, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name, namespace },
      });
      d.log.info(`created serviceaccount ${namespace}/${name}`);
    } catch (err) {
      // The cache may lag behind a create made by someone else; that is success.
      if (isAlreadyExists(err)) continue;
      // The namespace went away or began terminating since the cache saw it.
      if (isNotFound(err) || isTerminating(err)) return;
      throw err;
    }
  }
}

function isTerminating(err: unknown): boolean {
  if (!(err instanceof ApiStatusError) || err.code !== 403) return false;
  return (err.status.details?.causes ?? []).some((c) => c.type === 'NamespaceTerminating') || /being terminated/.test(err.message);
}
