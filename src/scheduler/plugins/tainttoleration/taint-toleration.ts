// TaintToleration: NoSchedule and NoExecute taints keep off pods that do not tolerate
// them; PreferNoSchedule taints only lower the node's score.

import { Status } from '../../framework/status.js';
import { normalize, type ClusterEvent, type CycleState, type FilterPlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { TaintTolerationName } from '../names.js';
import { toleratedBy } from './tolerations.js';

export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = TaintTolerationName;

  events(): ClusterEvent[] {
    return [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }];
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const taints = node.node.spec?.taints;
    if (!taints) return Status.success();
    for (const taint of taints) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
      if (!toleratedBy(pod.pod.spec?.tolerations, taint)) return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    }
    return Status.success();
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (!node.node.spec?.taints?.length) return 0;
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const taint of node.node.spec?.taints ?? []) if (taint.effect === 'PreferNoSchedule' && !toleratedBy(tolerations, taint)) n++;
    return n;
  }

  normalizeScore(_s: CycleState, _p: PodInfo, scores: Float64Array): void {
    normalize(scores, true);
  }
}
