// Counting finished pods exactly once, as the Job controller's finalizer tracking does:
// a pod that finished is first listed in status.uncountedTerminatedPods (written before
// anything else), then its job-tracking finalizer is removed, and only then is it moved
// into succeeded/failed. A crash anywhere in between repeats a step, never a count.

import { isNotFound } from '../../client/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import { isTerminating, podPhase, type Pod } from '../history/pods.js';
import { trackingFinalizer, type Job } from './types.js';

export function hasTrackingFinalizer(p: Pod): boolean {
  return (p.metadata.finalizers ?? []).includes(trackingFinalizer);
}

/**
 * Whether the pod counts as failed: Failed phase, or deleted before succeeding (an
 * orphan that never reaches a phase), unless the job waits for Failed phase only.
 */
export function isPodFailed(p: Pod, job: Job): boolean {
  if (podPhase(p) === 'Failed') return true;
  if (job.spec?.podFailurePolicy || job.spec?.podReplacementPolicy === 'Failed') return false;
  return isTerminating(p) && podPhase(p) !== 'Succeeded';
}

export function isPodSucceeded(p: Pod): boolean {
  return podPhase(p) === 'Succeeded';
}

/**
 * Removes the tracking finalizer with a strategic-merge delete from the list, so the
 * kubelet's status writes in between never make it conflict and other finalizers stay.
 */
export async function removeTrackingFinalizer(client: RestClient, pod: Pod): Promise<void> {
  const path = `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? '')}/pods/${encodeURIComponent(pod.metadata.name ?? '')}`;
  try {
    await client.patch(path, { metadata: { '$deleteFromPrimitiveList/finalizers': [trackingFinalizer] } }, 'strategic');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
