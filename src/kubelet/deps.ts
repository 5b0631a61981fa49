// Everything the pod sync code needs, passed in one object so each piece can be
// replaced in tests (fake runtime, in-memory cgroups, trivial network and volumes).

import type { Clock, Logger } from '../client/index.js';
import type { RuntimeService } from '../runtime/cri.js';
import type { Backoff } from './backoff.js';
import type { PodCgroups } from './cgroups/pod-cgroups.js';
import type { EnvSources } from './env.js';
import type { DnsSettings } from './etc-files.js';
import type { EndpointDrain } from './drain.js';
import type { ImageManager, Recorder } from './images.js';
import type { PodNetwork, VolumeManager } from './interfaces.js';
import type { ProbeManager } from './prober/manager.js';
import type { StartTrace } from './start-trace.js';
import type { StatusManager } from './status/manager.js';

export interface SyncDeps {
  runtime: RuntimeService;
  images: ImageManager;
  network: PodNetwork;
  volumes: VolumeManager;
  cgroups: PodCgroups;
  probes: ProbeManager;
  status: StatusManager;
  /** Restart back-off, keyed `<uid>/<container>`. */
  backoff: Backoff;
  clock: Clock;
  record: Recorder;
  log: Logger;
  rootDir: string;
  /** CRI-style log root: `<logRoot>/<ns>_<name>_<uid>/<container>/<attempt>.log`. */
  logRoot: string;
  dns: DnsSettings;
  nodeName: string;
  hostIPs: string[];
  envSources: EnvSources;
  nodeAllocatable: { cpu: number; memory: number; 'ephemeral-storage': number };
  serviceEnv: Record<string, string>;
  /** The node's service proxy, so a deleted pod leaves the service rules before SIGTERM. */
  endpointDrain?: EndpointDrain;
  /** Per-stage timing of first syncs (K8TS_KUBELET_TRACE=1); default none. */
  trace?: StartTrace;
}
