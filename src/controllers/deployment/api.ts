// The writes (and the fresh read) the Deployment controller makes, as a small seam:
// production goes through the REST client, unit tests hand in an in-memory fake.

import type { RestClient } from '../../client/rest-client.js';
import { writeWithRebase, type Deployment, type ReplicaSet } from '../controller-utils/index.js';
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
      let stored = await writeWithRebase(d, (o) => client.update<Deployment>(`${deployPath(ns, name)}/status`, o), () => client.get<Deployment>(deployPath(ns, name)), (fresh, mine) => ({
        ...fresh,
        metadata: { ...fresh.metadata, annotations: { ...fresh.metadata.annotations, ...pick(mine.metadata.annotations, revisionAnnotation) } },
        status: mine.status,
      }));
      // Kubernetes' status strategy keeps annotation changes; a server whose status
      // subresource ignores metadata gets the revision through the main resource.
      const want = d.metadata.annotations?.[revisionAnnotation];
      if (want !== undefined && stored.metadata.annotations?.[revisionAnnotation] !== want) {
        stored = await client.patch<Deployment>(deployPath(ns, name), { metadata: { annotations: { [revisionAnnotation]: want } } }, 'merge');
      }
      return stored;
    },
    createReplicaSet: (ns, rs) => client.create<ReplicaSet>(rsPath(ns), rs),
    updateReplicaSet: (rs) => {
      const path = rsPath(rs.metadata.namespace ?? '', rs.metadata.name ?? '');
      // The ReplicaSet controller's status writes are what usually moved it on.
      return writeWithRebase(rs, (o) => client.update<ReplicaSet>(path, o), () => client.get<ReplicaSet>(path), (fresh, mine) => ({
        ...fresh,
        metadata: { ...fresh.metadata, annotations: mine.metadata.annotations },
        spec: mine.spec,
      }));
    },
    async deleteReplicaSet(ns, name) {
      await client.delete(rsPath(ns, name));
    },
    patchReplicaSet: (ns, name, patch) => client.patch<ReplicaSet>(rsPath(ns, name), patch, 'strategic'),
  };
}

function pick(a: Record<string, string> | undefined, key: string): Record<string, string> {
  return a && a[key] !== undefined ? { [key]: a[key] } : {};
}
