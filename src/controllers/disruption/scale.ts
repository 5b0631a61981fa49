// Expected pods from the pods' controllers, as Kubernetes finds them: a ReplicaSet run
// by a Deployment counts with the Deployment's replicas, otherwise the controller's own
// (ReplicaSet, ReplicationController, StatefulSet, Deployment), read through its scale
// subresource. Each controller counts once however many of its pods match.

import { isNotFound } from '../../client/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';

export class NoControllerError extends Error {
  override name = 'NoControllerError';
}

interface ControllerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

const scalable: Record<string, string> = {
  'apps/ReplicaSet': '/apis/apps/v1/namespaces/NS/replicasets/',
  'apps/Deployment': '/apis/apps/v1/namespaces/NS/deployments/',
  'apps/StatefulSet': '/apis/apps/v1/namespaces/NS/statefulsets/',
  '/ReplicationController': '/api/v1/namespaces/NS/replicationcontrollers/',
};

export function controllerRefOf(obj: KObject): ControllerRef | undefined {
  const r = (obj.metadata.ownerReferences ?? []).find((o) => o.controller === true);
  if (!r || typeof r.kind !== 'string' || typeof r.name !== 'string' || typeof r.uid !== 'string' || typeof r.apiVersion !== 'string') return undefined;
  return { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid };
}

function pathFor(namespace: string, ref: ControllerRef): string | undefined {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  const base = scalable[`${group}/${ref.kind}`];
  return base ? base.replace('NS', encodeURIComponent(namespace)) + encodeURIComponent(ref.name) : undefined;
}

/** The sum of the replicas of the pods' controllers; throws NoControllerError for a pod without one. */
export async function expectedFromScale(client: RestClient, namespace: string, pods: readonly KObject[]): Promise<number> {
  const counted = new Map<string, number>();
  for (const pod of pods) {
    let ref = controllerRefOf(pod);
    if (!ref) throw new NoControllerError(`found no controller ref for pod "${pod.metadata.name}"`);
    if (counted.has(ref.uid)) continue;
    const podRef = ref;
    // A ReplicaSet under a Deployment: the Deployment's replicas are the intent.
    if (ref.kind === 'ReplicaSet') {
      const rsPath = pathFor(namespace, ref);
      const rs = rsPath ? await getOrUndefined(client, rsPath) : undefined;
      const parent = rs && rs.metadata.uid === ref.uid ? controllerRefOf(rs) : undefined;
      if (parent?.kind === 'Deployment') ref = parent;
    }
    if (counted.has(ref.uid)) {
      counted.set(podRef.uid, 0);
      continue;
    }
    const path = pathFor(namespace, ref);
    if (!path) throw new NoControllerError(`found no controllers for pod "${pod.metadata.name}" (${ref.kind} has no known scale)`);
    const scale = await getOrUndefined(client, `${path}/scale`);
    if (!scale) throw new NoControllerError(`found no controllers for pod "${pod.metadata.name}" (${ref.kind} ${ref.name} not found)`);
    counted.set(ref.uid, Number((scale.spec as { replicas?: number } | undefined)?.replicas ?? 0));
    if (podRef.uid !== ref.uid) counted.set(podRef.uid, 0);
  }
  let sum = 0;
  for (const n of counted.values()) sum += n;
  return sum;
}

async function getOrUndefined(client: RestClient, path: string): Promise<KObject | undefined> {
  try {
    return await client.get(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
