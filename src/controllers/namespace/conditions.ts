// The status conditions Kubernetes sets on a terminating namespace, so that
// `kubectl describe namespace` explains what deletion is waiting for.

import type { ContentReport } from './content.js';

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

function summarise(m: Map<string, number>, noun: string): string {
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} has ${n} ${noun}`).join(', ');
}

/** The five deletion conditions for one pass over the namespace's content. */
export function deletionConditions(discoveryFailures: Map<string, string>, report: ContentReport): Omit<NamespaceCondition, 'lastTransitionTime'>[] {
  const discovery = discoveryFailures.size
    ? { status: 'True' as const, reason: 'DiscoveryFailed', message: `Discovery failed for some groups, ${discoveryFailures.size} failing: ${[...discoveryFailures.entries()].map(([k, v]) => `${k}: ${v}`).join('; ')}` }
    : { status: 'False' as const, reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' };
  const content = report.failures.size
    ? { status: 'True' as const, reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${report.failures.size} remaining: ${[...report.failures.entries()].map(([k, v]) => `${k}: ${v}`).join('; ')}` }
    : { status: 'False' as const, reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' };
  const remaining = report.remaining.size
    ? { status: 'True' as const, reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${summarise(report.remaining, 'resource instances')}` }
    : { status: 'False' as const, reason: 'ContentRemoved', message: 'All content successfully removed' };
  const finalizers = report.finalizers.size
    ? { status: 'True' as const, reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${summarise(report.finalizers, 'resource instances')}` }
    : { status: 'False' as const, reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' };
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', ...discovery },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    { type: 'NamespaceDeletionContentFailure', ...content },
    { type: 'NamespaceContentRemaining', ...remaining },
    { type: 'NamespaceFinalizersRemaining', ...finalizers },
  ];
}

/**
 * Merges new conditions into the old ones, keeping lastTransitionTime where the status
 * did not change. Answers undefined when nothing changed, so no write is needed.
 */
export function mergeConditions(old: NamespaceCondition[], next: Omit<NamespaceCondition, 'lastTransitionTime'>[], now: string): NamespaceCondition[] | undefined {
  let changed = false;
  const out = old.filter((c) => !next.some((n) => n.type === c.type));
  for (const n of next) {
    const prev = old.find((c) => c.type === n.type);
    if (prev && prev.status === n.status && prev.reason === n.reason && prev.message === n.message) {
      out.push(prev);
      continue;
    }
    changed = true;
    out.push({ ...n, lastTransitionTime: prev && prev.status === n.status && prev.lastTransitionTime ? prev.lastTransitionTime : now });
  }
  return changed ? out : undefined;
}
