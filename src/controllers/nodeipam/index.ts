export { startNodeIpamController, syncNodeCIDR, type NodeIpamControllerOptions, type IpamSyncDeps } from './controller.js';
