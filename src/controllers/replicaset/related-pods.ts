// The pods that count towards "pods on the same node" when a ReplicaSet chooses which
// pods to delete.

import { labelSelectorFromObject, type LabelSelector } from '../../api/selectors/index.js';
import type { Lister } from '../../client/lister.js';
import { controllerRefOf, podKey, type Pod, type ReplicaSet } from '../controller-utils/index.js';

/**
 * Pods that count towards "pods on the same node" when choosing which to delete: those
 * matched by any ReplicaSet with the same controller (a Deployment's old and new
 * ReplicaSets spread together), or by this one when it has no controller.
 */
export function relatedPods(rs: ReplicaSet, replicaSets: Lister<ReplicaSet>, pods: Lister<Pod>): Pod[] {
  const ns = rs.metadata.namespace ?? '';
  const ref = controllerRefOf(rs);
  const siblings = ref ? replicaSets.list(ns).filter((o) => controllerRefOf(o)?.uid === ref.uid) : [rs];
  const seen = new Set<string>();
  const out: Pod[] = [];
  const all = pods.list(ns);
  for (const sib of siblings) {
    let sel: LabelSelector;
    try {
      sel = labelSelectorFromObject(sib.spec?.selector);
    } catch {
      continue;
    }
    for (const p of all) {
      const k = p.metadata.uid ?? podKey(p);
      if (seen.has(k) || !sel.matches(p.metadata.labels)) continue;
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}
