export { startGarbageCollector, type GarbageCollector, type GarbageCollectorOptions } from './controller.js';
export { syncGcItem, orphanFinalizer, foregroundFinalizer, type GcSyncDeps } from './sync.js';
export { OwnerGraph, ownerRefsOf, type GraphNode, type OwnerRef } from './graph.js';
export { discoverGcResources, resourceForKind, type GcResource } from './discovery.js';
