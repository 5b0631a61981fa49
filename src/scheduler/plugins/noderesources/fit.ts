// NodeResourcesFit: the node's allocatable minus what its pods request must cover the
// pod's request, for cpu, memory, ephemeral storage, the pods count and every extended
// resource. Scores by the configured strategy: LeastAllocated spreads pods, MostAllocated
// packs them onto the fewest nodes.

import { Status } from '../../framework/status.js';
import { maxNodeScore, type ClusterEvent, type CycleState, type FilterPlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { NodeResourcesFitName } from '../names.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated';

export interface NodeResourcesFitArgs {
  scoringStrategy?: { type?: ScoringStrategyType; resources?: { name: string; weight?: number }[] };
}

/** The reasons a node lacks room for the pod; empty when it fits. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const out: string[] = [];
  const req = pod.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > alloc.pods) out.push('Too many pods');
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) out.push('Insufficient cpu');
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) out.push('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) out.push('Insufficient ephemeral-storage');
  for (const [name, v] of req.scalar) {
    if (v > 0 && v > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

/** requested and allocatable of a named resource for scoring (non-zero requests). */
export function scoringAmounts(pod: PodInfo, node: NodeInfo, resource: string): [number, number] {
  const r = pod.nonZeroRequests;
  const n = node.nonZeroRequested;
  const a = node.allocatable;
  switch (resource) {
    case 'cpu':
      return [n.milliCPU + r.milliCPU, a.milliCPU];
    case 'memory':
      return [n.memory + r.memory, a.memory];
    case 'ephemeral-storage':
      return [node.requested.ephemeralStorage + pod.requests.ephemeralStorage, a.ephemeralStorage];
    default:
      return [(node.requested.scalar.get(resource) ?? 0) + (pod.requests.scalar.get(resource) ?? 0), a.scalar.get(resource) ?? 0];
  }
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = NodeResourcesFitName;
  readonly strategy: ScoringStrategyType;
  private readonly resources: { name: string; weight: number }[];

  constructor(args: NodeResourcesFitArgs = {}) {
    this.strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
    this.resources = (args.scoringStrategy?.resources ?? [{ name: 'cpu' }, { name: 'memory' }]).map((r) => ({ name: r.name, weight: r.weight ?? 1 }));
    this.cpuAndMemory = this.resources.length === 2 && this.resources[0].name === 'cpu' && this.resources[1].name === 'memory' && this.resources.every((r) => r.weight === 1);
  }

  private readonly cpuAndMemory: boolean;

  private one(requested: number, capacity: number): number {
    if (capacity === 0) return 0;
    if (this.strategy === 'MostAllocated') return Math.floor((Math.min(requested, capacity) * maxNodeScore) / capacity);
    return requested > capacity ? 0 : Math.floor(((capacity - requested) * maxNodeScore) / capacity);
  }

  events(): ClusterEvent[] {
    return [
      { resource: 'Node', action: 'Add' },
      { resource: 'Node', action: 'Update' },
      { resource: 'AssignedPod', action: 'Delete' },
    ];
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const reasons = insufficientResources(pod, node);
    return reasons.length === 0 ? Status.success() : Status.unschedulable(...reasons);
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (this.cpuAndMemory) {
      // The default resources, without the general loop: this runs for every node scored.
      const a = node.allocatable;
      const cpu = this.one(node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU, a.milliCPU);
      const mem = this.one(node.nonZeroRequested.memory + pod.nonZeroRequests.memory, a.memory);
      if (a.milliCPU === 0) return a.memory === 0 ? 0 : mem;
      if (a.memory === 0) return cpu;
      return Math.floor((cpu + mem) / 2);
    }
    let total = 0;
    let weights = 0;
    for (const r of this.resources) {
      const [requested, capacity] = scoringAmounts(pod, node, r.name);
      if (capacity === 0) continue;
      weights += r.weight;
      const used = Math.min(requested, capacity);
      const s = this.strategy === 'MostAllocated' ? (used * maxNodeScore) / capacity : requested > capacity ? 0 : ((capacity - requested) * maxNodeScore) / capacity;
      total += Math.floor(s) * r.weight;
    }
    return weights === 0 ? 0 : Math.floor(total / weights);
  }
}
