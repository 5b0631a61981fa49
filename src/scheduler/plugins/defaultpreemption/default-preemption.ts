// DefaultPreemption (PostFilter): when no node fits, find nodes where evicting pods of
// lower priority would make room, keep as few victims as possible (reprieving the most
// important first), pick the node whose victims matter least, delete them gracefully
// and nominate the node for the pod. The pod itself waits in the queue until the
// victims are gone; their deletion is the event that brings it back.
//
// Filters are re-run on a copy of the node without the victims, with the PreFilter state
// of the failed attempt; that is exact for resources, ports, taints and affinity to
// nodes, and an approximation for pod (anti-)affinity and spreading across the victims.

import { Code, Status } from '../../framework/status.js';
import type { CycleState, Handle, PostFilterPlugin, PostFilterResult } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { fitMessage } from '../../algorithm.js';
import { DefaultPreemptionName } from '../names.js';

export const errNoVictims = 'No preemption victims found for incoming pod';
export const errNotHelpful = 'Preemption is not helpful for scheduling';

export interface PreemptionDeps {
  handle: Handle;
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
  /** Deletes a victim (gracefully) and records why. */
  evict(victim: PodInfo, preemptor: PodInfo, nodeName: string): Promise<void>;
  /** Writes status.nominatedNodeName of the preemptor. */
  nominate(pod: PodInfo, nodeName: string): Promise<void>;
}

export interface Candidate {
  node: string;
  victims: PodInfo[];
}

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = DefaultPreemptionName;

  constructor(private readonly deps: PreemptionDeps) {}

  async postFilter(state: CycleState, pod: PodInfo, statuses: Map<string, Status>): Promise<{ result?: PostFilterResult; status: Status }> {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return { status: Status.unschedulable('preemption: not eligible due to preemptionPolicy=Never.') };
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.deps.handle.nodes().find((n) => n.name === nominated);
      const waiting = ni && [...ni.pods.values()].some((p) => p.pod.metadata.deletionTimestamp && p.priority < pod.priority);
      if (waiting) return { status: Status.unschedulable('preemption: not eligible due to a terminating pod on the nominated node.') };
    }
    const { candidates, reasons } = this.findCandidates(state, pod, statuses);
    if (candidates.length === 0) {
      return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${fitMessage(reasons.size, reasons)}`) };
    }
    const best = pickCandidate(candidates);
    try {
      await Promise.all(best.victims.map((v) => this.deps.evict(v, pod, best.node)));
      await this.deps.nominate(pod, best.node);
    } catch (err) {
      return { status: Status.error(err as Error) };
    }
    return { result: { nominatedNodeName: best.node }, status: Status.success() };
  }

  findCandidates(state: CycleState, pod: PodInfo, statuses: Map<string, Status>): { candidates: Candidate[]; reasons: Map<string, Status> } {
    const candidates: Candidate[] = [];
    const reasons = new Map<string, Status>();
    for (const node of this.deps.handle.nodes()) {
      const st = statuses.get(node.name);
      if (st && st.code === Code.UnschedulableAndUnresolvable) {
        reasons.set(node.name, Status.unresolvable(errNotHelpful));
        continue;
      }
      const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
      if (lower.length === 0) {
        reasons.set(node.name, Status.unschedulable(errNoVictims));
        continue;
      }
      const what = node.clone();
      for (const v of lower) what.removePod(v.uid);
      const fits = this.deps.runFilters(state, pod, what);
      if (!fits.isSuccess()) {
        reasons.set(node.name, fits);
        continue;
      }
      // Give back the most important victims first while the pod still fits.
      lower.sort((a, b) => b.priority - a.priority);
      const victims: PodInfo[] = [];
      for (const v of lower) {
        what.addPod(v);
        if (!this.deps.runFilters(state, pod, what).isSuccess()) {
          what.removePod(v.uid);
          victims.push(v);
        }
      }
      candidates.push({ node: node.name, victims });
    }
    return { candidates, reasons };
  }
}

/** Lowest highest-victim priority, then lowest priority sum, then fewest victims. */
export function pickCandidate(cs: Candidate[]): Candidate {
  const key = (c: Candidate): [number, number, number] => [
    c.victims.reduce((m, v) => Math.max(m, v.priority), -Infinity),
    c.victims.reduce((s, v) => s + v.priority, 0),
    c.victims.length,
  ];
  let best = cs[0];
  let bk = key(best);
  for (const c of cs.slice(1)) {
    const k = key(c);
    if (k[0] < bk[0] || (k[0] === bk[0] && (k[1] < bk[1] || (k[1] === bk[1] && k[2] < bk[2])))) {
      best = c;
      bk = k;
    }
  }
  return best;
}
