// The default profile: Kubernetes' default plugins in its order, with its score weights.

import { Framework } from './framework/framework.js';
import type { CycleState, Handle } from './framework/interfaces.js';
import type { NodeInfo } from './framework/node-info.js';
import type { PodInfo } from './framework/pod-info.js';
import type { Status } from './framework/status.js';
import { DefaultBinder, type BindClient } from './plugins/defaultbinder/default-binder.js';
import { DefaultPreemption, type PreemptionDeps } from './plugins/defaultpreemption/default-preemption.js';
import { ImageLocality, type ImageIndex } from './plugins/imagelocality/image-locality.js';
import { InterPodAffinity } from './plugins/interpodaffinity/inter-pod-affinity.js';
import { NodeAffinity } from './plugins/nodeaffinity/node-affinity.js';
import { NodeName } from './plugins/nodename/node-name.js';
import { NodePorts } from './plugins/nodeports/node-ports.js';
import { BalancedAllocation } from './plugins/noderesources/balanced-allocation.js';
import { NodeResourcesFit, type NodeResourcesFitArgs } from './plugins/noderesources/fit.js';
import { NodeUnschedulable } from './plugins/nodeunschedulable/node-unschedulable.js';
import { PodTopologySpread } from './plugins/podtopologyspread/pod-topology-spread.js';
import { TaintToleration } from './plugins/tainttoleration/taint-toleration.js';

export const defaultWeights: Record<string, number> = {
  TaintToleration: 3,
  NodeAffinity: 2,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesFit: 1,
  NodeResourcesBalancedAllocation: 1,
  ImageLocality: 1,
};

export interface ProfileOptions {
  handle: Handle & ImageIndex;
  binder: BindClient;
  nodeResourcesFit?: NodeResourcesFitArgs;
  /** Omit to build a profile without preemption. */
  preemption?: Omit<PreemptionDeps, 'handle' | 'runFilters'>;
}

export function defaultFramework(opts: ProfileOptions): Framework {
  const h = opts.handle;
  // Filters run in this order, cheap and decisive first.
  const plugins = [
    new NodeUnschedulable(),
    new NodeName(),
    new TaintToleration(),
    new NodeAffinity(),
    new NodePorts(),
    new NodeResourcesFit(opts.nodeResourcesFit),
    new PodTopologySpread(h),
    new InterPodAffinity(h),
    new BalancedAllocation(),
    new ImageLocality(h, h),
    new DefaultBinder(opts.binder),
  ];
  let fw: Framework | undefined;
  if (opts.preemption) {
    const p = opts.preemption;
    const runFilters = (s: CycleState, pod: PodInfo, n: NodeInfo): Status => fw!.runFilters(s, pod, n);
    fw = new Framework({ plugins: [...plugins, new DefaultPreemption({ handle: h, runFilters, evict: p.evict, nominate: p.nominate })], weights: defaultWeights });
  } else fw = new Framework({ plugins, weights: defaultWeights });
  return fw;
}
