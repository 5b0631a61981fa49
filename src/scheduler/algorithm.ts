// One scheduling attempt's pure part: filter nodes (stopping once enough feasible ones
// are found, starting where the last attempt stopped so every node gets its turn),
// score them and pick the best, ties broken at random.

import { CycleState } from './framework/interfaces.js';
import type { Framework } from './framework/framework.js';
import type { NodeInfo } from './framework/node-info.js';
import type { PodInfo } from './framework/pod-info.js';
import { Code, Status } from './framework/status.js';
import type { Nominator } from './nominator.js';

/** Kubernetes' adaptive share of nodes to find feasible: 50% - nodes/125, at least 5%. */
export function numFeasibleNodesToFind(numNodes: number, percentage = 0): number {
  const minFeasible = 100;
  if (numNodes < minFeasible) return numNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(5, 50 - numNodes / 125);
  if (pct >= 100) return numNodes;
  return Math.max(minFeasible, Math.floor((numNodes * pct) / 100));
}

/** No node fits; message is worded as kube-scheduler words it: "0/3 nodes are available: 3 Insufficient cpu." */
export class FitError extends Error {
  override name = 'FitError';
  constructor(readonly numAllNodes: number, readonly statuses: Map<string, Status>, readonly preFilterMsg = '', postFilterMsg = '') {
    super('');
    this.setPostFilterMessage(postFilterMsg);
  }

  /** Adds what PostFilter (preemption) had to say, as the event's last sentence. */
  setPostFilterMessage(msg: string): void {
    this.message = fitMessage(this.numAllNodes, this.statuses, this.preFilterMsg) + (msg ? ` ${msg}` : '');
  }

  /** Plugins that rejected the pod on some node (for requeueing on their events). */
  rejectors(): Set<string> {
    const s = new Set<string>();
    for (const st of this.statuses.values()) if (st.plugin) s.add(st.plugin);
    return s;
  }

}

export function fitMessage(numAllNodes: number, statuses: Map<string, Status>, preFilterMsg = ''): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) return `${msg} ${preFilterMsg}.`;
  const histogram = new Map<string, number>();
  for (const st of statuses.values()) for (const r of st.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const parts = [...histogram].map(([r, n]) => `${n} ${r}`).sort();
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  return msg;
}

export interface ScheduleResult {
  node: string;
  evaluated: number;
  feasible: number;
}

export interface AlgorithmOptions {
  percentageOfNodesToScore?: number;
  random?: () => number;
  /** Pods nominated by preemption, whose room others must leave free. */
  nominator?: Nominator;
}

export class Algorithm {
  private nextStartNodeIndex = 0;
  private readonly random: () => number;

  constructor(private readonly fw: Framework, private readonly opts: AlgorithmOptions = {}) {
    this.random = opts.random ?? Math.random;
  }

  /** Throws FitError when no node fits; answers the chosen node otherwise. */
  schedule(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): ScheduleResult {
    if (nodes.length === 0) throw new FitError(0, new Map(), 'no nodes available to schedule pods');
    const pre = this.fw.runPreFilter(state, pod);
    if (!pre.isSuccess()) {
      if (pre.code === Code.Error) throw pre.error ?? new Error(pre.message());
      const statuses = new Map<string, Status>();
      for (const n of nodes) statuses.set(n.name, pre);
      throw new FitError(nodes.length, statuses, pre.message());
    }
    const { feasible, statuses } = this.findFeasible(state, pod, nodes);
    if (feasible.length === 0) throw new FitError(nodes.length, statuses);
    if (feasible.length === 1) return { node: feasible[0].name, evaluated: statuses.size + 1, feasible: 1 };
    const pre2 = this.fw.runPreScore(state, pod, feasible);
    if (pre2.code === Code.Error) throw pre2.error ?? new Error(pre2.message());
    const scores = this.fw.runScore(state, pod, feasible);
    return { node: this.selectHost(feasible, scores), evaluated: statuses.size + feasible.length, feasible: feasible.length };
  }

  findFeasible(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { feasible: NodeInfo[]; statuses: Map<string, Status> } {
    const want = numFeasibleNodesToFind(nodes.length, this.opts.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const statuses = new Map<string, Status>();
    const n = nodes.length;
    const start = this.nextStartNodeIndex % n;
    let i = 0;
    for (; i < n && feasible.length < want; i++) {
      const node = nodes[(start + i) % n];
      const s = this.fw.runFilters(state, pod, this.withNominated(node, pod));
      if (s.isSuccess()) feasible.push(node);
      else if (s.code === Code.Error) throw s.error ?? new Error(s.message());
      else statuses.set(node.name, s);
    }
    this.nextStartNodeIndex = (start + i) % n;
    return { feasible, statuses };
  }

  /** The node as it will be once the pods nominated to it (and outranking pod) arrive. */
  private withNominated(node: NodeInfo, pod: PodInfo): NodeInfo {
    const nom = this.opts.nominator;
    if (!nom || nom.size === 0) return node;
    const blocking = nom.blocking(node.name, pod);
    if (!blocking) return node;
    const c = node.clone();
    for (const p of blocking) if (!c.pods.has(p.uid)) c.addPod(p);
    return c;
  }

  private selectHost(nodes: NodeInfo[], scores: Float64Array): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
        ties = 1;
      } else if (scores[i] === scores[best]) {
        // Reservoir sampling: each tied node is equally likely.
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return nodes[best].name;
  }
}

export { CycleState };
