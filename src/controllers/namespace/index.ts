export { startNamespaceController, syncNamespace, kubernetesFinalizer, NamespaceContentError, type NamespaceControllerOptions, type StoppableController } from './controller.js';
export { discoverDeletableResources, type DeletableResource, type DiscoveryResult } from './discovery.js';
