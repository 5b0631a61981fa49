// Pod priority from PriorityClasses. Resolving priorityClassName into spec.priority is
// the Priority admission plugin's job on pod create (the API server's); this is the
// function it can call. The scheduler uses the same lookup when a pod's class is known,
// so priorities hold even where admission has not filled spec.priority in.

import type { PodSpec, PriorityClass } from './types.js';

/** The built-in classes every cluster has. */
export const systemPriorityClasses: Record<string, number> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

export class PriorityClassNotFoundError extends Error {
  override name = 'PriorityClassNotFoundError';
  readonly code = 'PRIORITY_CLASS_NOT_FOUND';
  constructor(readonly className: string) {
    super(`no PriorityClass with name ${className} was found`);
  }
}

/**
 * What admission sets on a new pod: priority (and preemptionPolicy) from the named
 * class, else from the globalDefault class, else 0. Throws PriorityClassNotFoundError
 * for an unknown name, which admission answers with 403 Forbidden as Kubernetes does.
 */
export function resolvePriority(spec: PodSpec, classes: readonly PriorityClass[]): { priority: number; priorityClassName?: string; preemptionPolicy: 'PreemptLowerPriority' | 'Never' } {
  const name = spec.priorityClassName;
  if (name) {
    if (name in systemPriorityClasses) return { priority: systemPriorityClasses[name], priorityClassName: name, preemptionPolicy: 'PreemptLowerPriority' };
    const pc = classes.find((c) => c.metadata.name === name);
    if (!pc) throw new PriorityClassNotFoundError(name);
    return { priority: pc.value ?? 0, priorityClassName: name, preemptionPolicy: pc.preemptionPolicy ?? 'PreemptLowerPriority' };
  }
  const def = classes.filter((c) => c.globalDefault).sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
  if (def) return { priority: def.value ?? 0, priorityClassName: def.metadata.name, preemptionPolicy: def.preemptionPolicy ?? 'PreemptLowerPriority' };
  return { priority: 0, preemptionPolicy: 'PreemptLowerPriority' };
}
