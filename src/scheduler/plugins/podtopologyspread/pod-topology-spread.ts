// PodTopologySpread: for each DoNotSchedule constraint, placing the pod in a node's
// domain (its value of topologyKey) must not make that domain's count of matching pods
// exceed the smallest domain's by more than maxSkew. ScheduleAnyway constraints only
// score: fewer matching pods in the domain, higher score. Domains are taken from nodes
// that pass the pod's node affinity and carry every constraint's key (nodeAffinityPolicy
// and nodeTaintsPolicy at their defaults: Honor and Ignore).

import { labelSelectorFromObject, type LabelSelector } from '../../../api/selectors/index.js';
import { Status } from '../../framework/status.js';
import { normalize, type ClusterEvent, type CycleState, type FilterPlugin, type Handle, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import type { TopologySpreadConstraint } from '../../types.js';
import { requiredNodeAffinityMatches } from '../nodeaffinity/node-affinity.js';
import { PodTopologySpreadName } from '../names.js';

export const errTopologySpread = "node(s) didn't match pod topology spread constraints";
export const errTopologySpreadLabel = "node(s) didn't match pod topology spread constraints (missing required label)";

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  /** domain value -> matching pods */
  counts: Map<string, number>;
  selfMatch: number;
  min: number;
}

const filterKey = 'PodTopologySpread/filter';
const scoreKey = 'PodTopologySpread/score';

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = PodTopologySpreadName;

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

  private build(pod: PodInfo, cs: TopologySpreadConstraint[]): Constraint[] {
    const ns = pod.pod.metadata.namespace ?? '';
    const out: Constraint[] = cs.map((c) => {
      const selector = labelSelectorFromObject(c.labelSelector ?? null);
      return { maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, minDomains: c.minDomains ?? 1, counts: new Map(), selfMatch: selector.matches(pod.pod.metadata.labels ?? {}) ? 1 : 0, min: 0 };
    });
    for (const n of this.handle.nodes()) {
      const labels = n.labels;
      if (!out.every((c) => Object.hasOwn(labels, c.topologyKey))) continue;
      if (!requiredNodeAffinityMatches(pod.pod, n.node)) continue;
      for (const c of out) {
        const domain = labels[c.topologyKey];
        let count = c.counts.get(domain) ?? 0;
        for (const pi of n.pods.values()) {
          const p = pi.pod;
          if (p.metadata.namespace === ns && !p.metadata.deletionTimestamp && c.selector.matches(p.metadata.labels ?? {})) count++;
        }
        c.counts.set(domain, count);
      }
    }
    for (const c of out) {
      let min = Infinity;
      for (const v of c.counts.values()) min = Math.min(min, v);
      c.min = c.counts.size < c.minDomains || min === Infinity ? 0 : min;
    }
    return out;
  }

  preFilter(state: CycleState, pod: PodInfo): Status {
    const cs = (pod.pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (cs.length === 0) {
      state.skipFilter.add(this.name);
      return Status.skip();
    }
    state.write(filterKey, this.build(pod, cs));
    return Status.success();
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status {
    const cs = state.read<Constraint[]>(filterKey);
    if (!cs) return Status.success();
    for (const c of cs) {
      const domain = node.labels[c.topologyKey];
      if (domain === undefined) return Status.unresolvable(errTopologySpreadLabel);
      const skew = (c.counts.get(domain) ?? 0) + c.selfMatch - c.min;
      if (skew > c.maxSkew) return Status.unschedulable(errTopologySpread);
    }
    return Status.success();
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    const cs = (pod.pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    if (cs.length === 0) {
      state.skipScore.add(this.name);
      return Status.skip();
    }
    state.write(scoreKey, this.build(pod, cs));
    return Status.success();
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    let s = 0;
    for (const c of state.read<Constraint[]>(scoreKey) ?? []) {
      const domain = node.labels[c.topologyKey];
      // Weighting by log(domains) makes a key with many domains (hostname) count more.
      if (domain !== undefined) s += (c.counts.get(domain) ?? 0) * Math.log(c.counts.size + 2);
    }
    return s;
  }

  normalizeScore(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    normalize(scores, true);
  }
}
