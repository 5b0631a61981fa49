// A pod with everything the plugins ask of it computed once: its requests, its host
// ports, its affinity terms with parsed selectors. The scheduler looks at each existing
// pod many times per cycle, so parsing once matters.

import { labelSelectorFromObject, type LabelSelector } from '../../api/selectors/index.js';
import { podRequests, type Resource } from '../resources.js';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../types.js';

export interface AffinityTerm {
  selector: LabelSelector;
  /** Namespaces the term reads; empty with no namespaceSelector means the pod's own. */
  namespaces: Set<string>;
  namespaceSelector?: LabelSelector;
  topologyKey: string;
  weight: number;
}

export interface PodInfo {
  pod: Pod;
  uid: string;
  key: string;
  priority: number;
  requests: Resource;
  nonZeroRequests: Resource;
  /** "protocol/hostIP/port" of each host port. */
  hostPorts: { protocol: string; ip: string; port: number }[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
}

function term(t: PodAffinityTerm, ownNs: string, weight: number): AffinityTerm {
  const namespaces = new Set(t.namespaces ?? []);
  const nsSel = t.namespaceSelector ? labelSelectorFromObject(t.namespaceSelector) : undefined;
  if (namespaces.size === 0 && !nsSel) namespaces.add(ownNs);
  return { selector: labelSelectorFromObject(t.labelSelector ?? null), namespaces, namespaceSelector: nsSel, topologyKey: t.topologyKey, weight };
}

function weighted(ts: WeightedPodAffinityTerm[] | undefined, ns: string): AffinityTerm[] {
  return (ts ?? []).map((w) => term(w.podAffinityTerm, ns, w.weight));
}

/** Builds the PodInfo; priority is passed in because it may come from a PriorityClass. */
export function newPodInfo(pod: Pod, priority = pod.spec?.priority ?? 0): PodInfo {
  const ns = pod.metadata.namespace ?? '';
  const spec = pod.spec ?? {};
  const hostPorts: PodInfo['hostPorts'] = [];
  for (const c of spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort) hostPorts.push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  const a = spec.affinity;
  let requiredAffinity: AffinityTerm[] = [];
  let requiredAntiAffinity: AffinityTerm[] = [];
  let preferredAffinity: AffinityTerm[] = [];
  let preferredAntiAffinity: AffinityTerm[] = [];
  try {
    requiredAffinity = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(t, ns, 1));
    requiredAntiAffinity = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(t, ns, 1));
    preferredAffinity = weighted(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, ns);
    preferredAntiAffinity = weighted(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, ns);
  } catch {
    // Validation rejects bad selectors on create; a pod that still has one gets no terms.
  }
  return {
    pod,
    uid: pod.metadata.uid ?? '',
    key: `${ns}/${pod.metadata.name ?? ''}`,
    priority,
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts,
    requiredAffinity,
    requiredAntiAffinity,
    preferredAffinity,
    preferredAntiAffinity,
  };
}

/** Whether an existing pod matches a term of the incoming pod (namespaces and labels). */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels?: (ns: string) => Record<string, string> | undefined): boolean {
  const ns = pod.metadata.namespace ?? '';
  let nsOk = t.namespaces.has(ns);
  if (!nsOk && t.namespaceSelector) nsOk = t.namespaceSelector.matches(nsLabels?.(ns) ?? {});
  return nsOk && t.selector.matches(pod.metadata.labels ?? {});
}
