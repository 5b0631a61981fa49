// Discovery documents built from the resource registry. See aggregated.ts for which
// document answers which Accept header.

export { apiVersions, apiGroupList, apiGroup, apiResourceList } from './legacy.js';
export type { APIVersions, APIGroup, APIGroupList, APIResource, APIResourceList, ServerAddressByClientCIDR, GroupVersionForDiscovery } from './legacy.js';
export { aggregatedDiscovery, aggregatedContentType, negotiateDiscovery } from './aggregated.js';
export type { APIGroupDiscoveryList, APIGroupDiscovery, APIVersionDiscovery, APIResourceDiscovery, APISubresourceDiscovery, DiscoveryVersion } from './aggregated.js';
export { subresourcesOf, verbsOf } from './subresources.js';
export type { SubresourceInfo, GroupVersionKindRef } from './subresources.js';
export { storageVersionHash, storageVersionHashOf } from './storage-version-hash.js';
export { DiscoveryDocuments, notModified, type DiscoveryBody } from './documents.js';
