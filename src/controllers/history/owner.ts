// Controller references: the ownerReference with controller=true that ties a pod (or a
// Job, a ControllerRevision, a PVC) to the one object that manages it. Controllers only
// ever act on objects whose controller reference names them by uid, so a recreated
// owner of the same name never inherits its predecessor's children.

import type { KObject } from '../../client/types.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The controller=true owner reference, if any. */
export function controllerRef(obj: KObject): OwnerReference | undefined {
  for (const r of obj.metadata.ownerReferences ?? []) {
    if (r.controller === true && typeof r.uid === 'string' && typeof r.kind === 'string' && typeof r.name === 'string') return r as unknown as OwnerReference;
  }
  return undefined;
}

/** The reference a controller puts on what it creates. */
export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export function isControlledBy(obj: KObject, owner: KObject): boolean {
  const ref = controllerRef(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

/** Index name and function filing objects under their controller's uid. */
export const controllerUidIndex = 'controller-uid';
export function byControllerUid(obj: KObject): string[] {
  const ref = controllerRef(obj);
  return ref ? [ref.uid] : [];
}

/** The `namespace/name` key of obj's controller when it is of the given kind. */
export function ownerKey(obj: KObject, kind: string): string | undefined {
  const ref = controllerRef(obj);
  if (!ref || ref.kind !== kind) return undefined;
  return `${obj.metadata.namespace ?? ''}/${ref.name}`;
}

/**
 * Objects of namespace ns controlled by uid: through the controller-uid index when the
 * informer has it (a shared informer made by another controller may not), else a scan.
 */
export function controlledBy<T extends KObject>(lister: { byIndex(i: string, v: string): T[]; list(ns?: string): T[] }, ns: string, uid: string): T[] {
  try {
    return lister.byIndex(controllerUidIndex, uid);
  } catch {
    return lister.list(ns).filter((o) => controllerRef(o)?.uid === uid);
  }
}
