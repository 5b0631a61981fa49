// Job conditions. Since Kubernetes 1.31 a job that meets its success or failure
// criteria first gets SuccessCriteriaMet or FailureTarget, its remaining pods are
// terminated, and only once none is left does it get the terminal Complete or Failed.

import { rfc3339 } from '../history/pods.js';
import type { JobCondition, JobStatus } from './types.js';

export const reasons = {
  backoffLimitExceeded: 'BackoffLimitExceeded',
  deadlineExceeded: 'DeadlineExceeded',
  podFailurePolicy: 'PodFailurePolicy',
  completionsReached: 'CompletionsReached',
  successPolicy: 'SuccessPolicy',
} as const;

export const messages: Record<string, string> = {
  BackoffLimitExceeded: 'Job has reached the specified backoff limit',
  DeadlineExceeded: 'Job was active longer than specified deadline',
  CompletionsReached: 'Reached expected number of succeeded pods',
};

export function findCondition(status: JobStatus, type: string): JobCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

export function isTrue(status: JobStatus, type: string): boolean {
  return findCondition(status, type)?.status === 'True';
}

/** Sets a condition; the transition time moves only when the status value changes. */
export function setCondition(status: JobStatus, type: string, value: 'True' | 'False', reason: string, message: string, now: number): void {
  const conds = (status.conditions ??= []);
  const t = rfc3339(now);
  const existing = conds.find((c) => c.type === type);
  if (existing) {
    if (existing.status === value && existing.reason === reason && existing.message === message) return;
    if (existing.status !== value) existing.lastTransitionTime = t;
    existing.status = value;
    existing.reason = reason;
    existing.message = message;
    existing.lastProbeTime = t;
    return;
  }
  conds.push({ type, status: value, lastProbeTime: t, lastTransitionTime: t, reason, message });
}
