// One garbage-collector sync of one object (by uid), as Kubernetes' attemptToDelete and
// orphan workers do: an object being deleted with the `orphan` finalizer first frees
// its dependents; one with `foregroundDeletion` first deletes them and waits for those
// that block it; any other object is deleted once every owner it names is gone (an
// owner missing from the graph is confirmed gone with a GET, since the graph may lag),
// or has its dangling references removed while a live owner remains.

import type { SyncResult } from '../../client/controller.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Logger } from '../../client/log.js';
import { resourcePath } from '../../client/resource-path.js';
import type { RestClient } from '../../client/rest-client.js';
import type { DeleteOptions, KObject } from '../../client/types.js';
import { resourceForKind, type GcResource } from './discovery.js';
import type { GraphNode, OwnerGraph, OwnerRef } from './graph.js';

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

export interface GcSyncDeps {
  client: RestClient;
  graph: OwnerGraph;
  /** Every served resource (all versions), to resolve owner references. */
  resources(): readonly GcResource[];
  log: Logger;
}

/** While dependents still block a foreground deletion, look again this often (events usually come first). */
const blockedRecheckMs = 5_000;

export async function syncGcItem(uid: string, d: GcSyncDeps): Promise<SyncResult | void> {
  const node = d.graph.get(uid);
  if (!node) return;
  if (node.deleting) {
    if (node.finalizers.includes(orphanFinalizer)) return orphanDependents(node, d);
    if (node.finalizers.includes(foregroundFinalizer)) return deleteForeground(node, d);
    return;
  }
  if (node.owners.length === 0) return;
  const solid: OwnerRef[] = [];
  const dangling: OwnerRef[] = [];
  const waiting: OwnerRef[] = [];
  for (const ref of node.owners) {
    const owner = d.graph.get(ref.uid);
    if (owner) {
      (owner.deleting && owner.finalizers.includes(foregroundFinalizer) ? waiting : solid).push(ref);
      continue;
    }
    (await ownerExists(node, ref, d)) ? solid.push(ref) : dangling.push(ref);
  }
  if (solid.length > 0) {
    // A live owner keeps the object; references to gone owners are only dropped.
    if (dangling.length > 0) await removeOwnerRefs(node, new Set(dangling.map((r) => r.uid)), d);
    return;
  }
  // Every owner is gone or waiting for its dependents: the object goes too. One that has
  // dependents of its own is deleted in the foreground, so a waiting owner outlives them.
  const policy = waiting.length > 0 && d.graph.dependents(uid).length > 0 ? 'Foreground' : 'Background';
  await deleteNode(node, policy, d);
  d.log.info(`garbage collector: deleted ${describe(node)} (owners gone${waiting.length ? ' or deleting in the foreground' : ''}), propagation ${policy}`);
}

async function orphanDependents(node: GraphNode, d: GcSyncDeps): Promise<void> {
  for (const dep of d.graph.dependents(node.uid)) await removeOwnerRefs(dep, new Set([node.uid]), d);
  if (await removeFinalizer(node, orphanFinalizer, d)) d.log.info(`garbage collector: orphaned the dependents of ${describe(node)}`);
}

async function deleteForeground(node: GraphNode, d: GcSyncDeps): Promise<SyncResult | void> {
  const deps = d.graph.dependents(node.uid);
  for (const dep of deps) {
    if (dep.deleting) continue;
    await deleteNode(dep, d.graph.dependents(dep.uid).length > 0 ? 'Foreground' : 'Background', d);
  }
  const blocking = deps.filter((dep) => dep.owners.some((o) => o.uid === node.uid && o.blockOwnerDeletion));
  if (blocking.length > 0) return { requeueAfterMs: blockedRecheckMs };
  if (await removeFinalizer(node, foregroundFinalizer, d)) d.log.info(`garbage collector: dependents of ${describe(node)} are gone; removed ${foregroundFinalizer}`);
}

async function ownerExists(node: GraphNode, ref: OwnerRef, d: GcSyncDeps): Promise<boolean> {
  const r = resourceForKind(d.resources(), ref.apiVersion, ref.kind);
  // An owner of a kind the server does not serve cannot be confirmed gone: keep the object.
  if (!r) {
    d.log.warn(`garbage collector: ${describe(node)} names an owner of unknown kind ${ref.apiVersion}/${ref.kind}`);
    return true;
  }
  try {
    const owner = await d.client.get(resourcePath({ group: r.group, version: r.version, resource: r.resource, namespace: r.namespaced ? node.namespace : undefined, name: ref.name }));
    return owner.metadata.uid === ref.uid;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function pathOf(node: GraphNode): string {
  const r = node.resource;
  return resourcePath({ group: r.group, version: r.version, resource: r.resource, namespace: node.namespace, name: node.name });
}

async function deleteNode(node: GraphNode, policy: 'Foreground' | 'Background', d: GcSyncDeps): Promise<void> {
  const options: DeleteOptions = { propagationPolicy: policy, preconditions: { uid: node.uid } };
  try {
    await d.client.delete(pathOf(node), options);
  } catch (err) {
    // Gone already, or replaced by a new object of the same name (uid precondition).
    if (isNotFound(err) || isConflict(err)) return;
    throw err;
  }
}

/** Drops the named owners from an object's references, guarded by its resourceVersion. */
async function removeOwnerRefs(node: GraphNode, uids: Set<string>, d: GcSyncDeps): Promise<void> {
  let cur: KObject;
  try {
    cur = await d.client.get(pathOf(node));
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (cur.metadata.uid !== node.uid) return;
  const refs = cur.metadata.ownerReferences ?? [];
  const kept = refs.filter((r) => !uids.has(String(r.uid)));
  if (kept.length === refs.length) return;
  await d.client.patch(pathOf(node), { metadata: { ownerReferences: kept.length ? kept : null, resourceVersion: cur.metadata.resourceVersion } }, 'merge');
}

/** Answers whether this call removed the finalizer (false: gone, replaced, or removed already). */
async function removeFinalizer(node: GraphNode, finalizer: string, d: GcSyncDeps): Promise<boolean> {
  let cur: KObject;
  try {
    cur = await d.client.get(pathOf(node));
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  if (cur.metadata.uid !== node.uid) return false;
  const fins = cur.metadata.finalizers ?? [];
  if (!fins.includes(finalizer)) return false;
  const kept = fins.filter((f) => f !== finalizer);
  try {
    await d.client.patch(pathOf(node), { metadata: { finalizers: kept.length ? kept : null, resourceVersion: cur.metadata.resourceVersion } }, 'merge');
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function describe(node: GraphNode): string {
  return `${node.resource.resource} ${node.namespace ? `${node.namespace}/` : ''}${node.name}`;
}
