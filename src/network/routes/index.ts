// The host-gw pod routes: the public surface.
export { PodRouteManager, type PodRouteManagerOptions } from './manager.js';
export { computeDesiredRoutes, type NodeLike, type LocalAddress, type PodRoute, type DesiredRoutes, type SkippedNode } from './desired.js';
export { IpRouteTable, DEFAULT_ROUTE_PROTOCOL, DEFAULT_ROUTE_METRIC, type RouteTable, type KernelRoute, type IpRunner } from './kernel.js';
export { RouteCommandError } from './errors.js';
