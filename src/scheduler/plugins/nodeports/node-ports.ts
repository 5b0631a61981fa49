// NodePorts: two pods on one node cannot hold the same host port and protocol, unless
// they bind different specific addresses (0.0.0.0 conflicts with every address).

import { Status } from '../../framework/status.js';
import type { ClusterEvent, CycleState, FilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { NodePortsName } from '../names.js';

export const errNodePorts = "node(s) didn't have free ports for the requested pod ports";

export class NodePorts implements FilterPlugin {
  readonly name = NodePortsName;

  events(): ClusterEvent[] {
    return [{ resource: 'AssignedPod', action: 'Delete' }, { resource: 'Node', action: 'Add' }];
  }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Status {
    if (pod.hostPorts.length === 0 || node.usedPorts.size === 0) return Status.success();
    for (const p of pod.hostPorts) {
      for (const key of node.usedPorts.keys()) {
        const [protocol, ip, port] = key.split('/');
        if (protocol !== p.protocol || Number(port) !== p.port) continue;
        if (ip === p.ip || ip === '0.0.0.0' || p.ip === '0.0.0.0') return Status.unschedulable(errNodePorts);
      }
    }
    return Status.success();
  }
}
