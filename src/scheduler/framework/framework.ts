// Runs a profile's plugins at each extension point in order. Filter stops at the first
// rejection (later plugins cannot turn a "no" into a "yes"), so the cheapest and most
// selective filters go first.

import {
  isBind, isFilter, isPostFilter, isPreFilter, isPreScore, isReserve, isScore, maxNodeScore,
  type BindPlugin, type ClusterEvent, type CycleState, type FilterPlugin, type Plugin, type PostFilterPlugin,
  type PostFilterResult, type PreFilterPlugin, type PreScorePlugin, type ReservePlugin, type ScorePlugin,
} from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { Code, Status } from './status.js';
import type { Pod } from '../types.js';

export interface FrameworkOptions {
  plugins: Plugin[];
  /** Score weights by plugin name; default 1. */
  weights?: Record<string, number>;
}

export class Framework {
  readonly plugins: Plugin[];
  private readonly preFilters: PreFilterPlugin[];
  private readonly filters: FilterPlugin[];
  private readonly postFilters: PostFilterPlugin[];
  private readonly preScores: PreScorePlugin[];
  private readonly scores: { plugin: ScorePlugin; weight: number }[];
  private readonly reserves: ReservePlugin[];
  private readonly binders: BindPlugin[];

  constructor(opts: FrameworkOptions) {
    this.plugins = opts.plugins;
    this.preFilters = opts.plugins.filter(isPreFilter);
    this.filters = opts.plugins.filter(isFilter);
    this.postFilters = opts.plugins.filter(isPostFilter);
    this.preScores = opts.plugins.filter(isPreScore);
    this.scores = opts.plugins.filter(isScore).map((p) => ({ plugin: p, weight: opts.weights?.[p.name] ?? 1 }));
    this.reserves = opts.plugins.filter(isReserve);
    this.binders = opts.plugins.filter(isBind);
  }

  /** Plugin name -> events that could make pods it rejected schedulable. */
  eventsByPlugin(): Map<string, ClusterEvent[]> {
    const m = new Map<string, ClusterEvent[]>();
    for (const p of this.plugins) if (p.events) m.set(p.name, p.events());
    return m;
  }

  runPreFilter(state: CycleState, pod: PodInfo): Status {
    for (const p of this.preFilters) {
      let s: Status;
      try {
        s = p.preFilter(state, pod);
      } catch (err) {
        s = Status.error(err as Error);
      }
      if (s.code === Code.Skip) {
        state.skipFilter.add(p.name);
        continue;
      }
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    state.activeFilters = undefined;
    return Status.success();
  }

  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const filters = (state.activeFilters ??= this.filters.filter((p) => !state.skipFilter.has(p.name)));
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i];
      const s = p.filter(state, pod, node);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.success();
  }

  async runPostFilter(state: CycleState, pod: PodInfo, statuses: Map<string, Status>): Promise<{ result?: PostFilterResult; status: Status }> {
    let last: { result?: PostFilterResult; status: Status } = { status: Status.unschedulable() };
    for (const p of this.postFilters) {
      const r = await p.postFilter(state, pod, statuses);
      r.status.withPlugin(p.name);
      if (r.status.isSuccess() || r.status.code === Code.Error) return r;
      last = r;
    }
    return last;
  }

  hasPostFilter(): boolean {
    return this.postFilters.length > 0;
  }

  runPreScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status {
    for (const p of this.preScores) {
      const s = p.preScore(state, pod, nodes);
      if (s.code === Code.Skip) {
        state.skipScore.add(p.name);
        continue;
      }
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.success();
  }

  /** Weighted sum of normalised scores, one per node in the order given. */
  runScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): Float64Array {
    const total = new Float64Array(nodes.length);
    const scores = new Float64Array(nodes.length);
    for (const { plugin, weight } of this.scores) {
      if (state.skipScore.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i]);
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < nodes.length; i++) total[i] += Math.min(maxNodeScore, Math.max(0, scores[i])) * weight;
    }
    return total;
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (let i = 0; i < this.reserves.length; i++) {
      const s = this.reserves[i].reserve(state, pod, nodeName);
      if (!s.isSuccess()) {
        for (let j = i; j >= 0; j--) this.reserves[j].unreserve(state, pod, nodeName);
        return s.withPlugin(this.reserves[i].name);
      }
    }
    return Status.success();
  }

  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let j = this.reserves.length - 1; j >= 0; j--) this.reserves[j].unreserve(state, pod, nodeName);
  }

  async runBind(pod: Pod, nodeName: string): Promise<Status> {
    for (const b of this.binders) {
      const s = await b.bind(pod, nodeName);
      if (s.code !== Code.Skip) return s.withPlugin(b.name);
    }
    return Status.error(new Error('no bind plugin bound the pod'));
  }
}
