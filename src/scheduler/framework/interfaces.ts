// The extension points, each its own small interface, as Kubernetes' scheduler framework
// has them. A plugin implements `name` and whichever points it needs; the framework asks
// for each by shape (see framework.ts).

import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Status } from './status.js';
import type { Pod } from '../types.js';

/** Per-cycle scratch space where PreFilter/PreScore leave what Filter/Score read. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter answered Skip: their Filter is not run this cycle. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();
  /** The filters left to run this cycle, fixed after PreFilter (set by the framework). */
  activeFilters?: FilterPlugin[];

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, v: unknown): void {
    this.data.set(key, v);
  }
}

/** What plugins may read of the cluster besides the node at hand. */
export interface Handle {
  /** Every node with its pods, as of this cycle. */
  nodes(): readonly NodeInfo[];
  /** Nodes with at least one pod carrying required anti-affinity (usually none). */
  nodesWithRequiredAntiAffinity(): Iterable<NodeInfo>;
  /** Labels of a namespace (for namespaceSelector in affinity terms). */
  namespaceLabels(ns: string): Record<string, string> | undefined;
}

export type EventResource = 'Node' | 'Pod' | 'AssignedPod' | 'Namespace' | 'PriorityClass';
export type EventAction = 'Add' | 'Update' | 'Delete';

/** A change in the cluster that may make a rejected pod fit. */
export interface ClusterEvent {
  resource: EventResource;
  action: EventAction;
}

export interface Plugin {
  readonly name: string;
  /** Cluster events after which pods this plugin rejected are worth trying again. */
  events?(): ClusterEvent[];
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface PostFilterResult {
  nominatedNodeName?: string;
}

export interface PostFilterPlugin extends Plugin {
  /** Runs when no node fits; statuses holds each node's rejection. */
  postFilter(state: CycleState, pod: PodInfo, statuses: Map<string, Status>): Promise<{ result?: PostFilterResult; status: Status }>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  /** 0..100 for one node (or any range, when normalizeScore brings it to 0..100). */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalizeScore?(state: CycleState, pod: PodInfo, scores: Float64Array): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface BindPlugin extends Plugin {
  bind(pod: Pod, nodeName: string): Promise<Status>;
}

export const maxNodeScore = 100;

export function isPreFilter(p: Plugin): p is PreFilterPlugin {
  return typeof (p as Partial<PreFilterPlugin>).preFilter === 'function';
}
export function isFilter(p: Plugin): p is FilterPlugin {
  return typeof (p as Partial<FilterPlugin>).filter === 'function';
}
export function isPostFilter(p: Plugin): p is PostFilterPlugin {
  return typeof (p as Partial<PostFilterPlugin>).postFilter === 'function';
}
export function isPreScore(p: Plugin): p is PreScorePlugin {
  return typeof (p as Partial<PreScorePlugin>).preScore === 'function';
}
export function isScore(p: Plugin): p is ScorePlugin {
  return typeof (p as Partial<ScorePlugin>).score === 'function';
}
export function isReserve(p: Plugin): p is ReservePlugin {
  return typeof (p as Partial<ReservePlugin>).reserve === 'function';
}
export function isBind(p: Plugin): p is BindPlugin {
  return typeof (p as Partial<BindPlugin>).bind === 'function';
}

/** Min-max normalisation to 0..100, reversed when lower raw scores are better. */
export function normalize(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? maxNodeScore : 0;
    else {
      const v = (scores[i] * maxNodeScore) / max;
      scores[i] = reverse ? maxNodeScore - v : v;
    }
  }
}
