// The StatefulSet's next steps, from its pods alone (no I/O). OrderedReady creates the
// lowest missing ordinal only once every lower one is Running and Ready (available, with
// minReadySeconds), deletes condemned pods from the highest ordinal one at a time, and
// rolls updates from the highest ordinal down to the partition, one pod at a time, each
// only while all are healthy. Parallel creates and deletes everything at once.

import { isPodAvailable, isPodReady, isTerminating, podPhase, type Pod } from '../history/pods.js';
import { revisionHashLabel } from '../history/revision.js';
import type { StatefulSetSpec } from './identity.js';

export type Action =
  | { kind: 'create'; ordinal: number; revision: 'current' | 'update' }
  | { kind: 'delete'; pod: Pod; why: string };

export interface PlanInput {
  spec: StatefulSetSpec;
  /** The set's pods by ordinal. */
  pods: Map<number, Pod>;
  currentRevision: string;
  updateRevision: string;
  now: number;
}

export function planStatefulSet(i: PlanInput): Action[] {
  const spec = i.spec;
  const start = spec.ordinals?.start ?? 0;
  const replicas = spec.replicas ?? 1;
  const end = start + replicas;
  const monotonic = (spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  const minReady = spec.minReadySeconds ?? 0;
  const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = rolling ? Math.max(start, start + (spec.updateStrategy?.rollingUpdate?.partition ?? 0)) : start;
  const healthy = (p: Pod) => podPhase(p) === 'Running' && isPodReady(p) && !isTerminating(p) && isPodAvailable(p, minReady, i.now);
  const actions: Action[] = [];

  // Replicas, lowest first.
  for (let ord = start; ord < end; ord++) {
    const p = i.pods.get(ord);
    if (p && (podPhase(p) === 'Failed' || podPhase(p) === 'Succeeded') && !isTerminating(p)) {
      actions.push({ kind: 'delete', pod: p, why: `pod ${p.metadata.name} has ${podPhase(p)}, recreating` });
      if (monotonic) return actions;
      continue;
    }
    if (!p) {
      const revision = rolling && ord < partition ? 'current' : 'update';
      actions.push({ kind: 'create', ordinal: ord, revision });
      if (monotonic) return actions;
      continue;
    }
    if (monotonic && !healthy(p)) return actions;
  }

  // Condemned, highest first.
  const condemned = [...i.pods.keys()].filter((o) => o < start || o >= end).sort((a, b) => b - a);
  for (const ord of condemned) {
    const p = i.pods.get(ord)!;
    if (isTerminating(p)) {
      if (monotonic) return actions;
      continue;
    }
    actions.push({ kind: 'delete', pod: p, why: `scale down: ordinal ${ord} is beyond ${replicas} replicas` });
    if (monotonic) return actions;
  }
  if (!monotonic && actions.length > 0) return actions;

  // Rolling update, highest ordinal first, down to the partition.
  if (!rolling) return actions;
  for (let ord = end - 1; ord >= partition; ord--) {
    const p = i.pods.get(ord);
    if (!p) return actions;
    if (p.metadata.labels?.[revisionHashLabel] !== i.updateRevision && !isTerminating(p)) {
      actions.push({ kind: 'delete', pod: p, why: `rolling update to revision ${i.updateRevision}` });
      return actions;
    }
    if (!healthy(p)) return actions;
  }
  return actions;
}
