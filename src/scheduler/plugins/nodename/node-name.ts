// NodeName: a pod that names its node fits only there.

import { Status } from '../../framework/status.js';
import type { ClusterEvent, CycleState, FilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { NodeNameName } from '../names.js';

export const errNodeName = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin {
  readonly name = NodeNameName;

  events(): ClusterEvent[] {
    return [{ resource: 'Node', action: 'Add' }];
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const want = pod.pod.spec?.nodeName;
    return !want || want === node.name ? Status.success() : Status.unresolvable(errNodeName);
  }
}
