// The pods a Job makes: its template, named `<job>-<5 random>` (Indexed:
// `<job>-<index>-<5 random>`), controlled by the job, held by the tracking finalizer
// until the controller has counted them. Indexed pods carry their index as annotation
// and label, in JOB_COMPLETION_INDEX, and in the hostname `<job>-<index>`.

import type { KObject } from '../../client/types.js';
import { generatedName } from '../history/names.js';
import { newControllerRef } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import { completionIndexAnnotation, trackingFinalizer, type Job } from './types.js';

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  [k: string]: unknown;
}

export function newJobPod(job: Job, index?: number): Pod {
  const tpl = structuredClone(job.spec?.template ?? {});
  const name = job.metadata.name ?? '';
  const labels = { ...(tpl.metadata?.labels ?? {}) };
  const annotations = { ...(tpl.metadata?.annotations ?? {}) };
  const spec = (tpl.spec ?? {}) as Record<string, unknown>;
  if (index !== undefined) {
    annotations[completionIndexAnnotation] = String(index);
    labels[completionIndexAnnotation] = String(index);
    if (!spec.hostname) spec.hostname = `${name}-${index}`.slice(0, 63);
    for (const field of ['containers', 'initContainers']) {
      for (const c of (spec[field] as Container[] | undefined) ?? []) {
        c.env ??= [];
        if (!c.env.some((e) => e.name === 'JOB_COMPLETION_INDEX')) {
          c.env.push({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexAnnotation}']` } } });
        }
      }
    }
  }
  const meta: KObject['metadata'] = {
    name: generatedName(index === undefined ? name : `${name}-${index}`),
    namespace: job.metadata.namespace,
    labels,
    finalizers: [trackingFinalizer],
    ownerReferences: [{ ...newControllerRef(job, 'batch/v1', 'Job') }],
  };
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec };
}

/** The completion index of a pod of an Indexed job, or undefined when it has none. */
export function podIndex(pod: Pod): number | undefined {
  const v = pod.metadata.annotations?.[completionIndexAnnotation] ?? pod.metadata.labels?.[completionIndexAnnotation];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}
