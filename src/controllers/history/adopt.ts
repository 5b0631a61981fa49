// Adoption: a pod (or ControllerRevision) that matches a controller's selector but has no controller (left by
// a `--cascade=orphan` delete of the previous owner) is claimed by adding the owner's
// controller reference. The patch carries the pod's uid, so a pod replaced meanwhile
// under the same name is never taken by mistake.

import { isNotFound, isConflict } from '../../client/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../api/selectors/index.js';
import { controllerRef, newControllerRef } from './owner.js';

/** Claims the orphans among candidates (of collection, e.g. 'apis/apps/v1/controllerrevisions'); answers how many. */
export async function adoptOrphans(client: RestClient, owner: KObject, apiVersion: string, kind: string, selector: LabelSelectorObject | undefined, candidates: KObject[], collection = 'api/v1/pods'): Promise<number> {
  if (owner.metadata.deletionTimestamp || !selector) return 0;
  let sel;
  try {
    sel = labelSelectorFromObject(selector);
  } catch {
    return 0;
  }
  if (sel.empty()) return 0;
  let n = 0;
  for (const o of candidates) {
    if (controllerRef(o) || o.metadata.deletionTimestamp || !sel.matches(o.metadata.labels)) continue;
    const [prefix, resource] = [collection.slice(0, collection.lastIndexOf('/')), collection.slice(collection.lastIndexOf('/') + 1)];
    const path = `/${prefix}/namespaces/${encodeURIComponent(o.metadata.namespace ?? '')}/${resource}/${encodeURIComponent(o.metadata.name ?? '')}`;
    try {
      await client.patch(path, { metadata: { uid: o.metadata.uid, ownerReferences: [newControllerRef(owner, apiVersion, kind)] } }, 'strategic');
      n++;
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
  return n;
}
