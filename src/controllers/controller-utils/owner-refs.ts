// ownerReferences as controllers use them: the one reference with controller: true is
// the object's controller; a controller creates what it owns with such a reference
// (blockOwnerDeletion too, so foreground deletion waits for its dependents).

import { isRecord, type KObject } from '../../client/types.js';
import type { OwnerReference } from './types.js';

export function ownerReferencesOf(obj: KObject): OwnerReference[] {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.filter((r): r is Record<string, unknown> & OwnerReference => isRecord(r) && typeof r.uid === 'string') as OwnerReference[];
}

/** The reference with controller: true, if any (metav1.GetControllerOf). */
export function controllerRefOf(obj: KObject): OwnerReference | undefined {
  return ownerReferencesOf(obj).find((r) => r.controller === true);
}

export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The strategic merge patch that makes owner the controller of obj (merged by uid). */
export function adoptPatch(obj: KObject, ref: OwnerReference): Record<string, unknown> {
  return { metadata: { ownerReferences: [ref], uid: obj.metadata.uid } };
}

/** The strategic merge patch that removes owner's reference from obj. */
export function releasePatch(obj: KObject, ownerUid: string): Record<string, unknown> {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata.uid } };
}
