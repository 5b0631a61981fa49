export { startServiceLBController, syncServiceLB, type ServiceLBControllerOptions, type ServiceLBSyncDeps } from './controller.js';
export { desiredIngressIPs, eligibleNodes, wantsLoadBalancer, excludeLabel, enableLbLabel, lbPoolLabel, type LbNode, type LbService, type LbSlice } from './ingress.js';
