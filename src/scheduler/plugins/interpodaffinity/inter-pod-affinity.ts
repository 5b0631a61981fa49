// InterPodAffinity: required affinity needs a matching pod in the node's domain;
// required anti-affinity forbids one, in both directions (an existing pod's
// anti-affinity can refuse the newcomer too); preferred terms score by summed weight.
// PreFilter counts matches per (topologyKey, value) once, so Filter is a map lookup.

import { Status } from '../../framework/status.js';
import { maxNodeScore, type ClusterEvent, type CycleState, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../../framework/pod-info.js';
import { InterPodAffinityName } from '../names.js';

export const errAffinity = "node(s) didn't match pod affinity rules";
export const errAntiAffinity = "node(s) didn't match pod anti-affinity rules";
export const errExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";

/** topologyKey -> value -> count */
type Counts = Map<string, Map<string, number>>;

function bump(c: Counts, key: string, value: string | undefined, by = 1): void {
  if (value === undefined) return;
  let m = c.get(key);
  if (!m) c.set(key, (m = new Map()));
  m.set(value, (m.get(value) ?? 0) + by);
}

interface FilterState {
  existingAnti: Counts;
  /** Per incoming required affinity term. */
  affinity: Map<string, number>[];
  anti: Map<string, number>[];
  anyAffinityMatch: boolean;
  selfMatchesAll: boolean;
}

const filterKey = 'InterPodAffinity/filter';
const scoreKey = 'InterPodAffinity/score';

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = InterPodAffinityName;

  constructor(private readonly handle: Handle) {}

  events(): ClusterEvent[] {
    return [
      { resource: 'AssignedPod', action: 'Add' },
      { resource: 'AssignedPod', action: 'Update' },
      { resource: 'AssignedPod', action: 'Delete' },
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'Update' },
    ];
  }

  private matches(t: AffinityTerm, pi: PodInfo): boolean {
    return termMatches(t, pi.pod, (ns) => this.handle.namespaceLabels(ns));
  }

  preFilter(state: CycleState, pod: PodInfo): Status {
    const nodes = this.handle.nodes();
    const hasOwn = pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0;
    const existingAnti: Counts = new Map();
    for (const n of this.handle.nodesWithRequiredAntiAffinity()) {
      for (const ex of n.podsWithRequiredAntiAffinity) {
        for (const t of ex.requiredAntiAffinity) if (this.matches(t, pod)) bump(existingAnti, t.topologyKey, n.labels[t.topologyKey]);
      }
    }
    if (!hasOwn && existingAnti.size === 0) {
      state.skipFilter.add(this.name);
      return Status.skip();
    }
    const affinity = pod.requiredAffinity.map(() => new Map<string, number>());
    const anti = pod.requiredAntiAffinity.map(() => new Map<string, number>());
    let anyAffinityMatch = false;
    if (hasOwn) {
      for (const n of nodes) {
        for (const ex of n.pods.values()) {
          pod.requiredAffinity.forEach((t, i) => {
            const v = n.labels[t.topologyKey];
            if (v !== undefined && this.matches(t, ex)) {
              affinity[i].set(v, (affinity[i].get(v) ?? 0) + 1);
              anyAffinityMatch = true;
            }
          });
          pod.requiredAntiAffinity.forEach((t, i) => {
            const v = n.labels[t.topologyKey];
            if (v !== undefined && this.matches(t, ex)) anti[i].set(v, (anti[i].get(v) ?? 0) + 1);
          });
        }
      }
    }
    const selfMatchesAll = pod.requiredAffinity.every((t) => this.matches(t, pod));
    const fs: FilterState = { existingAnti, affinity, anti, anyAffinityMatch, selfMatchesAll };
    state.write(filterKey, fs);
    return Status.success();
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const fs = state.read<FilterState>(filterKey);
    if (!fs) return Status.success();
    const labels = node.labels;
    for (const [key, values] of fs.existingAnti) {
      const v = labels[key];
      if (v !== undefined && (values.get(v) ?? 0) > 0) return Status.unschedulable(errExistingAntiAffinity);
    }
    for (let i = 0; i < pod.requiredAntiAffinity.length; i++) {
      const v = labels[pod.requiredAntiAffinity[i].topologyKey];
      if (v !== undefined && (fs.anti[i].get(v) ?? 0) > 0) return Status.unschedulable(errAntiAffinity);
    }
    for (let i = 0; i < pod.requiredAffinity.length; i++) {
      const v = labels[pod.requiredAffinity[i].topologyKey];
      if (v === undefined) return Status.unresolvable(errAffinity);
      if ((fs.affinity[i].get(v) ?? 0) > 0) continue;
      // The first pod of a group that wants to be with its own kind may go anywhere.
      if (!fs.anyAffinityMatch && fs.selfMatchesAll) continue;
      return Status.unresolvable(errAffinity);
    }
    return Status.success();
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    if (pod.preferredAffinity.length === 0 && pod.preferredAntiAffinity.length === 0) {
      state.skipScore.add(this.name);
      return Status.skip();
    }
    const counts: Counts = new Map();
    for (const n of this.handle.nodes()) {
      for (const ex of n.pods.values()) {
        for (const t of pod.preferredAffinity) if (this.matches(t, ex)) bump(counts, t.topologyKey, n.labels[t.topologyKey], t.weight);
        for (const t of pod.preferredAntiAffinity) if (this.matches(t, ex)) bump(counts, t.topologyKey, n.labels[t.topologyKey], -t.weight);
      }
    }
    state.write(scoreKey, counts);
    return Status.success();
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    let s = 0;
    for (const [key, values] of state.read<Counts>(scoreKey) ?? []) {
      const v = node.labels[key];
      if (v !== undefined) s += values.get(v) ?? 0;
    }
    return s;
  }

  normalizeScore(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    for (let i = 0; i < scores.length; i++) scores[i] = max === min ? 0 : ((scores[i] - min) * maxNodeScore) / (max - min);
  }
}
