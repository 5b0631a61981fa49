// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods tolerating
// the node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).

import { Status } from '../../framework/status.js';
import type { ClusterEvent, CycleState, FilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { NodeUnschedulableName } from '../names.js';
import { toleratedBy } from '../tainttoleration/tolerations.js';

export const errNodeUnschedulable = 'node(s) were unschedulable';
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

export class NodeUnschedulable implements FilterPlugin {
  readonly name = NodeUnschedulableName;

  events(): ClusterEvent[] {
    return [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }];
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status {
    if (!node.node.spec?.unschedulable) return Status.success();
    return toleratedBy(pod.pod.spec?.tolerations, unschedulableTaint) ? Status.success() : Status.unresolvable(errNodeUnschedulable);
  }
}
