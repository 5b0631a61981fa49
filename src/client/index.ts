// The client's public surface in one import, for components that use several parts.

export { RestClient, errorFromBody, type RestClientOptions, type PatchType, type RequestOptions } from './rest-client.js';
export { resourcePath, groupVersionPath, withQuery, type ResourceRef, type Query } from './resource-path.js';
export { HttpTransport, type Transport, type TransportResponse, type HttpTransportOptions, type Headers } from './transport.js';
export { InProcessTransport, inProcessPeer, type NodeRequestHandler } from './in-process-transport.js';
export { ResourceClient, type ResourceType } from './resource-client.js';
export { readKubeconfig, writeKubeconfig, KubeconfigError, type KubeconfigConnection, type WriteKubeconfigOptions } from './kubeconfig.js';
export { ApiStatusError, WatchStatusError, NetworkError, DecodeError, isNotFound, isAlreadyExists, isConflict, isGone } from './errors.js';
export { Informer, type InformerOptions, type EventHandlers, type ListWatchClient } from './informer.js';
export { InformerFactory, type InformerRequest } from './informer-factory.js';
export { Cache, podsByNodeName, namespaceIndex, UnknownIndexError, type Lister, type IndexFunc } from './lister.js';
export { WorkQueue, type WorkQueueOptions } from './work-queue.js';
export { ExponentialBackoffLimiter, type RateLimiter } from './rate-limiter.js';
export { runWorkers, enqueueHandlers, type SyncResult, type Workers, type RunWorkersOptions } from './controller.js';
export { EventRecorder, referenceOf, type EventType, type ObjectReference, type EventRecorderOptions } from './events.js';
export { LeaderElector, type LeaderElectorOptions, type Lease } from './leader-election.js';
export { realClock, FakeClock, sleep, type Clock, type TimerHandle } from './clock.js';
export { silentLogger, type Logger } from './log.js';
export { objectKey, splitKey, type KObject, type ObjectMeta, type KList, type Status, type WatchEvent, type DeleteOptions } from './types.js';
