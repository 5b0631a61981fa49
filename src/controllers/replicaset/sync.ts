// One pass of the ReplicaSet controller over one ReplicaSet (Kubernetes'
// syncReplicaSet): claim the active pods its selector matches, create or delete pods
// until their number is spec.replicas (unless creations or deletions asked for earlier
// have not shown up in the cache yet), then write the status. Level-triggered: it reads
// everything from the caches, so running it again is always safe.

import type { SyncResult } from '../../client/controller.js';
import type { Clock } from '../../client/clock.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import { labelSelectorFromObject, type LabelSelector } from '../../api/selectors/index.js';
import {
  adoptPatch,
  claimObjects,
  isPodActive,
  msUntilAvailable,
  newControllerRef,
  releasePatch,
  type Expectations,
  type Pod,
  type ReplicaSet,
} from '../controller-utils/index.js';
import type { EventSink, ReplicaSetApi } from './api.js';
import { manageReplicas } from './manage.js';
import { calculateReplicaSetStatus, replicaSetStatusChanged } from './status.js';

export interface ReplicaSetSyncDeps {
  api: ReplicaSetApi;
  events: EventSink;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  expectations: Expectations;
  clock: Clock;
  log: Logger;
  /** Most pods created or deleted in one pass. Kubernetes' burstReplicas: 500. */
  burstReplicas: number;
}

export async function syncReplicaSet(key: string, d: ReplicaSetSyncDeps): Promise<SyncResult | void> {
  const rs = d.replicaSets.getByKey(key);
  if (!rs) {
    d.expectations.delete(key);
    return;
  }
  const needsSync = d.expectations.satisfied(key);
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromObject(rs.spec?.selector);
  } catch (err) {
    // An invalid selector cannot be fixed by retrying; validation should have caught it.
    d.log.warn(`replicaset ${key}: invalid selector: ${(err as Error).message}`);
    return;
  }
  const ns = rs.metadata.namespace ?? '';
  const active = d.pods.list(ns).filter(isPodActive);
  const pods = await claimPods(rs, selector, active, d);

  let manageError: Error | undefined;
  if (needsSync && !rs.metadata.deletionTimestamp) {
    try {
      await manageReplicas(key, rs, pods, d);
    } catch (err) {
      manageError = err as Error;
    }
  }
  const now = d.clock.now();
  const status = calculateReplicaSetStatus(rs, pods, manageError, now);
  if (replicaSetStatusChanged(rs, status)) {
    const next: ReplicaSet = { ...rs, status: { ...status, observedGeneration: rs.metadata.generation ?? status.observedGeneration } };
    if (!next.status!.observedGeneration) delete next.status!.observedGeneration;
    await d.api.updateReplicaSetStatus(next);
  }
  if (manageError) throw manageError;
  // Available means ready for minReadySeconds: look again when the next pod gets there.
  let soonest: number | undefined;
  for (const p of pods) {
    const ms = msUntilAvailable(p, rs.spec?.minReadySeconds ?? 0, now);
    if (ms !== undefined && (soonest === undefined || ms < soonest)) soonest = ms;
  }
  if (soonest !== undefined) return { requeueAfterMs: soonest + 1000 };
}

function claimPods(rs: ReplicaSet, selector: LabelSelector, pods: Pod[], d: ReplicaSetSyncDeps): Promise<Pod[]> {
  const ns = rs.metadata.namespace ?? '';
  return claimObjects<Pod>(pods, {
    owner: rs,
    selector,
    getFreshOwner: () => d.api.getReplicaSet(ns, rs.metadata.name ?? ''),
    adopt: (pod) => d.api.patchPod(ns, pod.metadata.name ?? '', adoptPatch(pod, newControllerRef(rs, 'apps/v1', 'ReplicaSet'))),
    release: async (pod) => {
      await d.api.patchPod(ns, pod.metadata.name ?? '', releasePatch(pod, rs.metadata.uid ?? ''));
    },
  });
}
