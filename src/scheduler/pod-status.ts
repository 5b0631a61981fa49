// What the scheduler writes on a pod it could not place: the PodScheduled=False
// condition (reason Unschedulable) and, after preemption, status.nominatedNodeName.

import type { Pod, PodCondition } from './types.js';

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A merge patch for pods/NAME/status, or undefined when the pod already says so (so a
 * pod retried many times is not rewritten each time). nominated: a node to nominate,
 * '' to clear the nomination, undefined to leave it.
 */
export function unschedulablePatch(pod: Pod, message: string, now: number, nominated?: string): Record<string, unknown> | undefined {
  const conds = pod.status?.conditions ?? [];
  const prior = conds.find((c) => c.type === 'PodScheduled');
  const same = prior && prior.status === 'False' && prior.reason === 'Unschedulable' && prior.message === message;
  const nominatedNow = pod.status?.nominatedNodeName ?? '';
  const nominationSame = nominated === undefined || nominated === nominatedNow;
  if (same && nominationSame) return undefined;
  const cond: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message,
    lastProbeTime: null,
    lastTransitionTime: prior && prior.status === 'False' && prior.lastTransitionTime ? prior.lastTransitionTime : rfc3339(now),
  };
  const status: Record<string, unknown> = { conditions: [...conds.filter((c) => c.type !== 'PodScheduled'), cond] };
  if (!nominationSame) status.nominatedNodeName = nominated === '' ? null : nominated;
  return { status };
}

/** Whether two versions of a pending pod differ in anything but status and bookkeeping. */
export function podSpecChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = p.metadata;
    return JSON.stringify([meta, p.spec]);
  };
  return strip(a) !== strip(b);
}

export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
