export { ServiceProxy, type ServiceProxyOptions } from './proxy.js';
export { renderRuleset, buildRuleset, rulesetText, RenderCache, masqMark, type RenderOptions, type Ruleset } from './render.js';
export { renderDelta, DeltaUnsupportedError } from './delta.js';
export { backendsFor, serviceNameLabel, type Backend, type PortBackends } from './endpoints.js';
export { execNft, runNft, deleteTableScript, NftError } from './nft.js';
export type { Service, ServicePort, EndpointSlice, SliceEndpoint, NftRunner } from './types.js';
export { DrainTracker, presenceOf, type EndpointGone, type EndpointPresence } from './drain.js';
