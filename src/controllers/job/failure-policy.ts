// spec.podFailurePolicy: the first rule matching a failed pod decides whether its failure
// fails the whole job (FailJob), is not counted against backoffLimit (Ignore), or counts
// as usual (Count). A rule matches on a container's exit code or on a pod condition.

import type { Pod } from '../history/pods.js';
import type { Job, PodFailurePolicyRule } from './types.js';

export interface PolicyMatch {
  action: PodFailurePolicyRule['action'];
  message: string;
}

interface TerminatedStatus {
  name: string;
  state?: { terminated?: { exitCode?: number } };
}

export function matchPodFailurePolicy(job: Job, pod: Pod): PolicyMatch | undefined {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  const statuses = [
    ...(((pod.status as { initContainerStatuses?: TerminatedStatus[] } | undefined)?.initContainerStatuses) ?? []),
    ...((pod.status?.containerStatuses as TerminatedStatus[] | undefined) ?? []),
  ];
  const podName = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.onExitCodes) {
      const e = r.onExitCodes;
      for (const s of statuses) {
        const code = s.state?.terminated?.exitCode;
        if (code === undefined || code === 0) continue;
        if (e.containerName && e.containerName !== s.name) continue;
        const inValues = e.values.includes(code);
        if (e.operator === 'In' ? inValues : !inValues) {
          return { action: r.action, message: `Container ${s.name} for pod ${podName} failed with exit code ${code} matching ${r.action} rule at index ${i}` };
        }
      }
    }
    for (const pc of r.onPodConditions ?? []) {
      const want = pc.status ?? 'True';
      if ((pod.status?.conditions ?? []).some((c) => c.type === pc.type && c.status === want)) {
        return { action: r.action, message: `Pod ${podName} has condition ${pc.type} matching ${r.action} rule at index ${i}` };
      }
    }
  }
  return undefined;
}
