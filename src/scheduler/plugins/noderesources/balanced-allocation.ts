// NodeResourcesBalancedAllocation: prefers nodes where cpu and memory would be used in
// similar fractions after placing the pod, so neither runs out while the other idles.

import { maxNodeScore, type CycleState, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { BalancedAllocationName } from '../names.js';
import { scoringAmounts } from './fit.js';

export class BalancedAllocation implements ScorePlugin {
  readonly name = BalancedAllocationName;

  private readonly cpuAndMemory: boolean;

  constructor(private readonly resources: string[] = ['cpu', 'memory']) {
    this.cpuAndMemory = resources.length === 2 && resources[0] === 'cpu' && resources[1] === 'memory';
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (this.cpuAndMemory) {
      const a = node.allocatable;
      if (a.milliCPU === 0 || a.memory === 0) return maxNodeScore;
      const c = Math.min(1, (node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU) / a.milliCPU);
      const m = Math.min(1, (node.nonZeroRequested.memory + pod.nonZeroRequests.memory) / a.memory);
      // The standard deviation of two values is half their distance.
      return Math.floor((1 - Math.abs(c - m) / 2) * maxNodeScore);
    }
    const fractions: number[] = [];
    for (const r of this.resources) {
      const [req, cap] = scoringAmounts(pod, node, r);
      if (cap === 0) continue;
      fractions.push(Math.min(1, req / cap));
    }
    if (fractions.length < 2) return maxNodeScore;
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    const variance = fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length;
    return Math.floor((1 - Math.sqrt(variance)) * maxNodeScore);
  }
}
