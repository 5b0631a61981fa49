export { ServiceProxy, type ServiceProxyOptions } from './proxy.js';
export { renderRuleset, masqMark, type RenderOptions } from './render.js';
export { backendsFor, serviceNameLabel, type Backend, type PortBackends } from './endpoints.js';
export { execNft, runNft, deleteTableScript, NftError } from './nft.js';
export type { Service, ServicePort, EndpointSlice, SliceEndpoint, NftRunner } from './types.js';
