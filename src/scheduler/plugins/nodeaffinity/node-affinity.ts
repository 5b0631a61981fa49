// NodeAffinity: spec.nodeSelector and required node affinity must both match the node's
// labels; preferred terms add their weights to the score.

import { Status } from '../../framework/status.js';
import { normalize, type ClusterEvent, type CycleState, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import type { Node, Pod } from '../../types.js';
import { NodeAffinityName } from '../names.js';
import { anyTermMatches, termMatches } from './node-selector.js';

export const errNodeAffinity = "node(s) didn't match Pod's node affinity/selector";

/** Whether the pod's nodeSelector and required node affinity admit the node. */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !anyTermMatches(required.nodeSelectorTerms ?? [], node)) return false;
  return true;
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = NodeAffinityName;

  events(): ClusterEvent[] {
    return [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }];
  }

  preFilter(state: CycleState, pod: PodInfo): Status {
    const spec = pod.pod.spec;
    const none = !spec?.nodeSelector || Object.keys(spec.nodeSelector).length === 0;
    if (none && !spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) return Status.skip();
    return Status.success();
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return requiredNodeAffinityMatches(pod.pod, node.node) ? Status.success() : Status.unresolvable(errNodeAffinity);
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    if (!preferred?.length) state.skipScore.add(this.name);
    return Status.success();
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    let sum = 0;
    for (const p of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (p.weight && termMatches(p.preference, node.node)) sum += p.weight;
    }
    return sum;
  }

  normalizeScore(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    normalize(scores, false);
  }
}
