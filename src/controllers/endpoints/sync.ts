// One sync of one Service's Endpoints: gone Service -> delete its Endpoints; Service
// without a selector -> leave the Endpoints to the user; otherwise write the subsets
// worked out from the pods in the cache when they differ from what is stored.

import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { splitKey, type KObject } from '../../client/types.js';
import { canonical, hasSelector } from './pods.js';
import { desiredSubsets, truncateSubsets, type EndpointSubset } from './subsets.js';
import type { PodObj, ServiceObj } from './types.js';

export interface EndpointsObj extends KObject {
  subsets?: EndpointSubset[];
}

export interface EndpointsSyncDeps {
  client: RestClient;
  log: Logger;
  services: Lister<ServiceObj>;
  pods: Lister<PodObj>;
  endpoints: Lister<EndpointsObj>;
}

const headlessLabel = 'service.kubernetes.io/headless';
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';

function endpointsPath(ns: string, name?: string): string {
  const base = `/api/v1/namespaces/${encodeURIComponent(ns)}/endpoints`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export function desiredLabels(svc: ServiceObj): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[headlessLabel] = '';
  else delete labels[headlessLabel];
  return labels;
}

export async function syncEndpoints(key: string, d: EndpointsSyncDeps): Promise<void> {
  const { namespace, name } = splitKey(key);
  const ns = namespace ?? '';
  const svc = d.services.get(ns, name);
  if (!svc) {
    try {
      await d.client.delete(endpointsPath(ns, name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return;
  }
  if (!hasSelector(svc)) return;
  const { subsets, truncated } = truncateSubsets(desiredSubsets(svc, d.pods.list(ns)));
  const labels = desiredLabels(svc);
  const cur = d.endpoints.get(ns, name);
  const annotations: Record<string, string> = { ...(cur?.metadata.annotations ?? {}) };
  if (truncated) annotations[overCapacityAnnotation] = 'truncated';
  else delete annotations[overCapacityAnnotation];
  const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
  if (cur && same(cur.subsets ?? [], subsets) && same(cur.metadata.labels ?? {}, labels) && same(cur.metadata.annotations ?? {}, annotations)) return;
  try {
    if (!cur) {
      await d.client.create(endpointsPath(ns), { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels, annotations }, subsets });
    } else {
      const body = { ...structuredClone(cur), subsets, metadata: { ...structuredClone(cur.metadata), labels, annotations } };
      await d.client.update(endpointsPath(ns, name), body);
    }
  } catch (err) {
    // A cache behind the server: the informer's event brings the newer object and a new sync.
    if (isConflict(err) || isAlreadyExists(err)) {
      d.log.info(`endpoints: ${key}: ${(err as Error).message}; retrying`);
      throw err;
    }
    if (isNotFound(err)) return;
    throw err;
  }
}
