// Plugin names as Kubernetes spells them: they appear in configuration and in logs.
export const NodeResourcesFitName = 'NodeResourcesFit';
export const BalancedAllocationName = 'NodeResourcesBalancedAllocation';
export const NodeNameName = 'NodeName';
export const NodeUnschedulableName = 'NodeUnschedulable';
export const NodeAffinityName = 'NodeAffinity';
export const TaintTolerationName = 'TaintToleration';
export const NodePortsName = 'NodePorts';
export const PodTopologySpreadName = 'PodTopologySpread';
export const InterPodAffinityName = 'InterPodAffinity';
export const ImageLocalityName = 'ImageLocality';
export const DefaultPreemptionName = 'DefaultPreemption';
export const DefaultBinderName = 'DefaultBinder';
