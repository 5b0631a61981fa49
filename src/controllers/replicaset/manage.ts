// Creating and deleting pods until a ReplicaSet has spec.replicas of them (Kubernetes'
// manageReplicas). Creations go in slow-start batches; deletions pick the pods ranked
// first for deletion. Expectations are set before the requests, so the next pass waits
// until the informer has shown every result.

import { isNotFound } from '../../client/errors.js';
import { isNamespaceTerminating, podKey, slowStartBatch, sortPodsForDeletion, type Pod, type ReplicaSet } from '../controller-utils/index.js';
import { podFromTemplate } from './pod-template.js';
import { relatedPods } from './related-pods.js';
import type { ReplicaSetSyncDeps } from './sync.js';

export async function manageReplicas(key: string, rs: ReplicaSet, pods: readonly Pod[], d: ReplicaSetSyncDeps): Promise<void> {
  const ns = rs.metadata.namespace ?? '';
  const diff = pods.length - (rs.spec?.replicas ?? 0);
  if (diff < 0) {
    const n = Math.min(-diff, d.burstReplicas);
    d.expectations.expectCreations(key, n);
    const template = podFromTemplate(rs);
    const { successes, error } = await slowStartBatch(n, 1, async () => {
      try {
        const created = await d.api.createPod(ns, structuredClone(template));
        void d.events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
      } catch (err) {
        // A namespace being deleted refuses every creation; there is nothing to do.
        if (isNamespaceTerminating(err)) {
          d.expectations.lowerCreations(key, 1);
          return;
        }
        void d.events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    });
    // The informer will never show the creations that were not made.
    const skipped = n - successes;
    if (skipped > 0) d.expectations.lowerCreations(key, skipped);
    if (error !== undefined) throw error;
    return;
  }
  if (diff > 0) {
    const n = Math.min(diff, d.burstReplicas);
    const victims = n < pods.length ? sortPodsForDeletion(pods, relatedPods(rs, d.replicaSets, d.pods), d.clock.now()).slice(0, n) : [...pods];
    d.expectations.expectDeletions(key, victims.map(podKey));
    const results = await Promise.allSettled(
      victims.map(async (pod) => {
        const name = pod.metadata.name ?? '';
        try {
          await d.api.deletePod(ns, name);
          void d.events.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (err) {
          // The informer will not show this deletion (or already has).
          d.expectations.deletionObserved(key, podKey(pod));
          if (isNotFound(err)) return;
          void d.events.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
