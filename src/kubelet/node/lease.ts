// The node's heartbeat: a coordination.k8s.io/v1 Lease in kube-node-lease named like
// the node, renewed every 10 s with a 40 s duration. The node lifecycle controller
// reads renewTime to decide whether the node is alive, which is why renewing is cheap
// and separate from the (rarer) status update.

import { isConflict, isNotFound } from '../../client/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';

export const leaseNamespace = 'kube-node-lease';
export const leaseDurationSeconds = 40;

export interface LeaseObject extends KObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

/** MicroTime, as Lease.spec.renewTime is serialised. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function leasePath(name?: string): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${leaseNamespace}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export function leaseObject(nodeName: string, nodeUid: string | undefined, now: number): LeaseObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: leaseNamespace,
      // Owned by the Node, so deleting the Node collects its Lease.
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime: microTime(now) },
  };
}

/**
 * Renews (or creates) the node's Lease once. Reads, then writes with the read
 * resourceVersion, so two kubelets fighting over one name show up as conflicts.
 */
export async function renewNodeLease(client: RestClient, nodeName: string, nodeUid: string | undefined, now: number, retries = 2): Promise<LeaseObject> {
  let current: LeaseObject | undefined;
  try {
    current = await client.get<LeaseObject>(leasePath(nodeName));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const wanted = leaseObject(nodeName, nodeUid, now);
  if (!current) {
    try {
      return await client.create<LeaseObject>(leasePath(), wanted);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // The namespace is missing (a bare API server): make it, then try once more.
      await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: leaseNamespace } }).catch(() => undefined);
      return client.create<LeaseObject>(leasePath(), wanted);
    }
  }
  const next: LeaseObject = {
    ...current,
    metadata: { ...current.metadata, ownerReferences: wanted.metadata.ownerReferences ?? current.metadata.ownerReferences },
    spec: { ...current.spec, ...wanted.spec },
  };
  try {
    return await client.update<LeaseObject>(leasePath(nodeName), next);
  } catch (err) {
    if (isConflict(err) && retries > 0) return renewNodeLease(client, nodeName, nodeUid, now, retries - 1);
    throw err;
  }
}
