// The writes (and the one fresh read) the ReplicaSet controller makes, as a small seam:
// production goes through the REST client, unit tests hand in an in-memory fake.

import type { RestClient } from '../../client/rest-client.js';
import { writeWithRebase, type Pod, type ReplicaSet } from '../controller-utils/index.js';

export interface ReplicaSetApi {
  /** A read from the API server, not the cache (adoption checks). */
  getReplicaSet(namespace: string, name: string): Promise<ReplicaSet>;
  createPod(namespace: string, pod: Pod): Promise<Pod>;
  deletePod(namespace: string, name: string): Promise<void>;
  /** A strategic merge patch (ownerReferences merge by uid). */
  patchPod(namespace: string, name: string, patch: Record<string, unknown>): Promise<Pod>;
  /** PUT of the status subresource, guarded by the object's resourceVersion. */
  updateReplicaSetStatus(rs: ReplicaSet): Promise<ReplicaSet>;
}

export type { EventSink } from '../controller-utils/events.js';

const enc = encodeURIComponent;
const rsPath = (ns: string, name: string) => `/apis/apps/v1/namespaces/${enc(ns)}/replicasets/${enc(name)}`;
const podsPath = (ns: string) => `/api/v1/namespaces/${enc(ns)}/pods`;

export function restReplicaSetApi(client: RestClient): ReplicaSetApi {
  return {
    getReplicaSet: (ns, name) => client.get<ReplicaSet>(rsPath(ns, name)),
    createPod: (ns, pod) => client.create<Pod>(podsPath(ns), pod),
    async deletePod(ns, name) {
      await client.delete(`${podsPath(ns)}/${enc(name)}`);
    },
    patchPod: (ns, name, patch) => client.patch<Pod>(`${podsPath(ns)}/${enc(name)}`, patch, 'strategic'),
    updateReplicaSetStatus: (rs) => {
      const path = rsPath(rs.metadata.namespace ?? '', rs.metadata.name ?? '');
      return writeWithRebase(rs, (o) => client.update<ReplicaSet>(`${path}/status`, o), () => client.get<ReplicaSet>(path), (fresh, mine) => ({ ...fresh, status: mine.status }));
    },
  };
}
