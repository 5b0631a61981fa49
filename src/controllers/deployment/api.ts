// The writes (and the fresh read) the Deployment controller makes, as a small seam:
// production goes through the REST client, unit tests hand in an in-memory fake.

import type { RestClient } from '../../client/rest-client.js';
import type { Deployment, ReplicaSet } from '../controller-utils/index.js';
import { revisionAnnotation } from './annotations.js';

export type { EventSink } from '../replicaset/api.js';

export interface DeploymentApi {
  /** A read from the API server, not the cache (adoption checks). */
  getDeployment(namespace: string, name: string): Promise<Deployment>;
  /**
   * Writes d.status (guarded by d's resourceVersion) and d's revision annotation, which
   * Kubernetes also takes from a status update. Answers the stored object.
   */
  updateDeploymentStatus(d: Deployment): Promise<Deployment>;
  createReplicaSet(namespace: string, rs: ReplicaSet): Promise<ReplicaSet>;
  /** PUT guarded by rs's resourceVersion. */
  updateReplicaSet(rs: ReplicaSet): Promise<ReplicaSet>;
  deleteReplicaSet(namespace: string, name: string): Promise<void>;
  /** A strategic merge patch (ownerReferences merge by uid). */
  patchReplicaSet(namespace: string, name: string, patch: Record<string, unknown>): Promise<ReplicaSet>;
}

const enc = encodeURIComponent;
const deployPath = (ns: string, name: string) => `/apis/apps/v1/namespaces/${enc(ns)}/deployments/${enc(name)}`;
const rsPath = (ns: string, name?: string) => `/apis/apps/v1/namespaces/${enc(ns)}/replicasets${name === undefined ? '' : `/${enc(name)}`}`;

export function restDeploymentApi(client: RestClient): DeploymentApi {
  return {
    getDeployment: (ns, name) => client.get<Deployment>(deployPath(ns, name)),
    async updateDeploymentStatus(d) {
      const ns = d.metadata.namespace ?? '';
      const name = d.metadata.name ?? '';
      let stored = await client.update<Deployment>(`${deployPath(ns, name)}/status`, d);
      // Kubernetes' status strategy keeps annotation changes; a server whose status
      // subresource ignores metadata gets the revision through the main resource.
      const want = d.metadata.annotations?.[revisionAnnotation];
      if (want !== undefined && stored.metadata.annotations?.[revisionAnnotation] !== want) {
        stored = await client.patch<Deployment>(deployPath(ns, name), { metadata: { annotations: { [revisionAnnotation]: want } } }, 'merge');
      }
      return stored;
    },
    createReplicaSet: (ns, rs) => client.create<ReplicaSet>(rsPath(ns), rs),
    updateReplicaSet: (rs) => client.update<ReplicaSet>(rsPath(rs.metadata.namespace ?? '', rs.metadata.name ?? ''), rs),
    async deleteReplicaSet(ns, name) {
      await client.delete(rsPath(ns, name));
    },
    patchReplicaSet: (ns, name, patch) => client.patch<ReplicaSet>(rsPath(ns, name), patch, 'strategic'),
  };
}
