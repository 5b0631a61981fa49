// StatefulSet status from its pods: counts by readiness and revision, and the current
// revision catching up with the update revision once every replica runs it and is ready.

import { isPodAvailable, isPodReady, podPhase, type Pod } from '../history/pods.js';
import { revisionHashLabel } from '../history/revision.js';
import type { StatefulSet, StatefulSetStatus } from './identity.js';

export function computeStatus(set: StatefulSet, pods: Pod[], currentRevision: string, updateRevision: string, collisionCount: number, now: number): StatefulSetStatus {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const running = (p: Pod) => podPhase(p) === 'Running' && !p.metadata.deletionTimestamp;
  const st: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    replicas: pods.length,
    readyReplicas: pods.filter((p) => running(p) && isPodReady(p)).length,
    availableReplicas: pods.filter((p) => running(p) && isPodAvailable(p, minReady, now)).length,
    currentReplicas: pods.filter((p) => p.metadata.labels?.[revisionHashLabel] === currentRevision).length,
    updatedReplicas: pods.filter((p) => p.metadata.labels?.[revisionHashLabel] === updateRevision).length,
    currentRevision,
    updateRevision,
    collisionCount,
  };
  const want = set.spec?.replicas ?? 1;
  if (st.replicas === want && st.updatedReplicas === want && st.readyReplicas === want) {
    st.currentRevision = updateRevision;
    st.currentReplicas = st.updatedReplicas;
  }
  if (!st.readyReplicas) delete st.readyReplicas;
  if (!st.currentReplicas) delete st.currentReplicas;
  if (!st.updatedReplicas) delete st.updatedReplicas;
  if (set.status?.conditions) st.conditions = set.status.conditions;
  return st;
}
