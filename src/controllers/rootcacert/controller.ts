// The root CA publisher: every active namespace holds a ConfigMap `kube-root-ca.crt`
// whose `ca.crt` is the bundle that verifies the API server, because every pod's
// service account volume projects it. A missing one is created, a changed one is put
// back, a deleted one is recreated. Keys are namespace names.

import { enqueueHandlers, runWorkers } from '../../client/controller.js';
import { ApiStatusError, isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';

export const rootCAConfigMapName = 'kube-root-ca.crt';
export const rootCAKey = 'ca.crt';
const descriptionAnnotation = 'kubernetes.io/description';
const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCACertPublisherOptions {
  client: RestClient;
  log: Logger;
  /** PEM bundle to publish: the cluster CA. */
  caPem: string;
  /** Default 2. */
  workers?: number;
  /** Shared informers; by default the controller makes (and stops) its own. */
  informers?: InformerFactory;
}

interface Namespace extends KObject {
  status?: { phase?: string };
}

interface ConfigMap extends KObject {
  data?: Record<string, string>;
}

export function startRootCACertPublisher(opts: RootCACertPublisherOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const queue = new WorkQueue<string>();
  const factory = opts.informers ?? new InformerFactory({ client, log });
  const namespaces = factory.informer<Namespace>({ resource: { group: '', version: 'v1', resource: 'namespaces' }, resyncMs: 5 * 60_000, name: 'namespaces' });
  // Only the one ConfigMap per namespace matters; the server filters the rest out.
  const configMaps = factory.informer<ConfigMap>({ resource: { group: '', version: 'v1', resource: 'configmaps' }, fieldSelector: `metadata.name=${rootCAConfigMapName}`, name: 'root-ca-configmaps' });
  const offNs = namespaces.addEventHandler(enqueueHandlers(queue));
  const toNs = (cm: ConfigMap) => cm.metadata.namespace && cm.metadata.name === rootCAConfigMapName && queue.add(cm.metadata.namespace);
  const offCm = configMaps.addEventHandler({ onUpdate: (_o, cm) => toNs(cm), onDelete: toNs });
  factory.start();

  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = Promise.all([namespaces.waitForSync(abort.signal), configMaps.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: opts.workers ?? 2,
      name: 'root-ca-cert-publisher',
      log,
      sync: (ns) => syncRootCA(ns, { client, log, caPem: opts.caPem, namespaces: namespaces.lister, configMaps: configMaps.lister }),
    });
    log.info('root CA certificate publisher started');
  });
  return {
    async stop() {
      abort.abort();
      offNs();
      offCm();
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
  caPem: string;
  namespaces: Lister<Namespace>;
  configMaps: Lister<ConfigMap>;
}

export async function syncRootCA(namespace: string, d: SyncDeps): Promise<void> {
  const ns = d.namespaces.get('', namespace);
  if (!ns || ns.metadata.deletionTimestamp || (ns.status?.phase && ns.status.phase !== 'Active')) return;
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  const cm = d.configMaps.get(namespace, rootCAConfigMapName);
  try {
    if (!cm) {
      await d.client.create(base, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: rootCAConfigMapName, namespace, annotations: { [descriptionAnnotation]: description } },
        data: { [rootCAKey]: d.caPem },
      });
      d.log.info(`published ${namespace}/${rootCAConfigMapName}`);
      return;
    }
    const data = cm.data ?? {};
    if (data[rootCAKey] === d.caPem && Object.keys(data).length === 1 && cm.metadata.annotations?.[descriptionAnnotation] === description) return;
    // Copy: the cached object is shared with every reader of the cache.
    await d.client.update(`${base}/${rootCAConfigMapName}`, {
      ...cm,
      metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [descriptionAnnotation]: description } },
      data: { [rootCAKey]: d.caPem },
    });
    d.log.info(`restored ${namespace}/${rootCAConfigMapName}`);
  } catch (err) {
    // A stale cache: the informer's next event brings the key back with the truth.
    if (isAlreadyExists(err) || isConflict(err)) return;
    if (isNotFound(err) || isTerminating(err)) return;
    throw err;
  }
}

function isTerminating(err: unknown): boolean {
  if (!(err instanceof ApiStatusError) || err.code !== 403) return false;
  return (err.status.details?.causes ?? []).some((c) => c.type === 'NamespaceTerminating') || /being terminated/.test(err.message);
}
