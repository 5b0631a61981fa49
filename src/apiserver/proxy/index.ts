// The API server's proxy to nodes: pods/log, pods/exec, pods/attach, pods/portforward, nodes/NAME/proxy.

export { handleNodeProxy, type NodeProxyOptions } from './handler.js';
export { nodeErrorToApiError } from './node-errors.js';
export { tunnelledPortForwardProtocol } from './portforward-tunnel.js';
export { DirectTlsDialer, DialError, nodeEndpoint, type NodeDialer, type NodeLike, type GetNode, type DirectTlsDialerOptions } from './dialer.js';
export { parseNodeProxyPath, chooseContainer, kubeletPodPath, requireBoundPod, defaultContainerAnnotation, type ProxyRequest, type PodLike } from './target.js';
