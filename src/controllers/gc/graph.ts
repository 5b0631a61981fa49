// The garbage collector's view of the cluster: one node per object (by uid) with the
// owners it names and the dependents that name it. Owners are followed by uid, never by
// name, so an owner deleted and re-created under the same name is a different owner.
// A dependent may name an owner the graph has not seen (yet, or ever): the reverse
// index is kept by the owner's uid alone, so it is found once the owner appears.

import type { KObject } from '../../client/types.js';
import type { GcResource } from './discovery.js';

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface GraphNode {
  uid: string;
  resource: GcResource;
  namespace?: string;
  name: string;
  owners: OwnerRef[];
  finalizers: string[];
  deleting: boolean;
}

export function ownerRefsOf(obj: KObject): OwnerRef[] {
  const out: OwnerRef[] = [];
  for (const r of obj.metadata.ownerReferences ?? []) {
    if (typeof r.uid !== 'string' || typeof r.apiVersion !== 'string' || typeof r.kind !== 'string' || typeof r.name !== 'string') continue;
    out.push({ apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid, controller: r.controller === true, blockOwnerDeletion: r.blockOwnerDeletion === true });
  }
  return out;
}

export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  size(): number {
    return this.nodes.size;
  }

  /** Records the object's current state; answers the uids of owners it named before or names now. */
  upsert(resource: GcResource, obj: KObject): GraphNode | undefined {
    const uid = obj.metadata.uid;
    if (!uid || !obj.metadata.name) return undefined;
    const prev = this.nodes.get(uid);
    if (prev) for (const o of prev.owners) this.unlink(o.uid, uid);
    const node: GraphNode = {
      uid,
      resource,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      owners: ownerRefsOf(obj),
      finalizers: [...(obj.metadata.finalizers ?? [])],
      deleting: !!obj.metadata.deletionTimestamp,
    };
    for (const o of node.owners) {
      let set = this.dependentsOf.get(o.uid);
      if (!set) this.dependentsOf.set(o.uid, (set = new Set()));
      set.add(uid);
    }
    this.nodes.set(uid, node);
    return node;
  }

  remove(uid: string): GraphNode | undefined {
    const prev = this.nodes.get(uid);
    if (!prev) return undefined;
    for (const o of prev.owners) this.unlink(o.uid, uid);
    this.nodes.delete(uid);
    return prev;
  }

  /** Nodes naming uid as an owner. */
  dependents(uid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const d of this.dependentsOf.get(uid) ?? []) {
      const n = this.nodes.get(d);
      if (n) out.push(n);
    }
    return out;
  }

  private unlink(owner: string, dependent: string): void {
    const set = this.dependentsOf.get(owner);
    if (!set) return;
    set.delete(dependent);
    if (set.size === 0) this.dependentsOf.delete(owner);
  }
}
