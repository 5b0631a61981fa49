// Service environment variables, the discovery Kubernetes gave containers before cluster
// DNS: for every Service with a cluster IP in the pod's namespace (unless the pod sets
// enableServiceLinks: false), plus the `kubernetes` service of `default` for every pod,
// `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT[_<PORTNAME>]` and the docker-link variables
// `<NAME>_PORT`, `<NAME>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]`. They are the lowest
// precedence: a container's own env and envFrom override them (see env.ts).
//
// Only services the kubelet has seen when the container starts are included, as in
// Kubernetes: a service created after a pod is not in that pod's environment.

import { Informer, realClock, silentLogger, type Clock, type KObject, type ListWatchClient, type Logger } from '../client/index.js';
import { EnvError } from './env.js';
import type { Pod } from './types.js';

/** The parts of a Service the variables come from. */
export interface LinkedService extends KObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    ports?: { name?: string; protocol?: string; port: number }[];
  };
}

/** Services of this namespace reach every pod, whatever its enableServiceLinks says. */
const masterNamespace = 'default';
const masterServices = new Set(['kubernetes']);

/** A cluster IP that is set: not empty, not "None" (headless); ExternalName has none. */
export function hasClusterIP(svc: LinkedService): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** `my-svc` -> `MY_SVC`. */
export function envVarName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/** The variables of the given services (callers pick which services a pod sees). */
export function serviceLinkEnv(services: LinkedService[]): Record<string, string> {
  const out: Record<string, string> = {};
  const sorted = [...services].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const svc of sorted) {
    const ports = svc.spec?.ports ?? [];
    if (!hasClusterIP(svc) || ports.length === 0) continue;
    const ip = svc.spec!.clusterIP!;
    const prefix = envVarName(svc.metadata.name ?? '');
    out[`${prefix}_SERVICE_HOST`] = ip;
    out[`${prefix}_SERVICE_PORT`] = String(ports[0]!.port);
    for (const p of ports) if (p.name) out[`${prefix}_SERVICE_PORT_${envVarName(p.name)}`] = String(p.port);
    // The docker-link form; the first port also gets the short `<NAME>_PORT`.
    ports.forEach((p, i) => {
      const proto = (p.protocol || 'TCP').toLowerCase();
      const url = `${proto}://${hostPort(ip, p.port)}`;
      if (i === 0) out[`${prefix}_PORT`] = url;
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out[pp] = url;
      out[`${pp}_PROTO`] = proto;
      out[`${pp}_PORT`] = String(p.port);
      out[`${pp}_ADDR`] = ip;
    });
  }
  return out;
}

/**
 * The services a pod in `namespace` gets variables for: the master services of `default`
 * always, and, with service links enabled, every service of its own namespace (which
 * shadows a master service of the same name).
 */
export function servicesForPod(all: LinkedService[], namespace: string, enableServiceLinks: boolean): LinkedService[] {
  const byName = new Map<string, LinkedService>();
  for (const svc of all) {
    if (!hasClusterIP(svc)) continue;
    const name = svc.metadata.name ?? '';
    const ns = svc.metadata.namespace ?? '';
    if (ns === masterNamespace && masterServices.has(name)) {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (ns === namespace && enableServiceLinks) {
      byName.set(name, svc);
    }
  }
  return [...byName.values()];
}

/** A pod's service variables for its namespace and its spec.enableServiceLinks (default true). */
export function podServiceEnv(pod: Pod, all: LinkedService[]): Record<string, string> {
  const links = pod.spec.enableServiceLinks !== false;
  return serviceLinkEnv(servicesForPod(all, pod.metadata.namespace ?? 'default', links));
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export interface ServiceEnvSourceOptions {
  client: ListWatchClient;
  log?: Logger;
  clock?: Clock;
  /** How long a container start waits for the first list of services; default 5 s. */
  syncTimeoutMs?: number;
}

/**
 * Follows all Services (the `kubernetes` service lives in `default`, the pod's own
 * services anywhere) and answers a pod's variables from that cache.
 */
export class ServiceEnvSource {
  private readonly informer: Informer<LinkedService>;
  private readonly clock: Clock;

  constructor(private readonly o: ServiceEnvSourceOptions) {
    this.clock = o.clock ?? realClock;
    this.informer = new Informer<LinkedService>({
      client: o.client, resource: { group: '', version: 'v1', resource: 'services' },
      clock: this.clock, log: o.log ?? silentLogger, name: 'kubelet-services',
    });
  }

  start(): void {
    this.informer.start();
  }

  async stop(): Promise<void> {
    await this.informer.stop();
  }

  /**
   * The pod's variables. Before the first list is in, waits for it a little; without it
   * the container does not start (Kubernetes refuses too: a pod started before the
   * kubelet read the services would miss even KUBERNETES_SERVICE_HOST).
   */
  async envFor(pod: Pod): Promise<Record<string, string>> {
    if (!this.informer.hasSynced()) {
      const abort = new AbortController();
      const timer = this.clock.setTimeout(() => abort.abort(), this.o.syncTimeoutMs ?? 5000);
      const ok = await this.informer.waitForSync(abort.signal);
      this.clock.clearTimeout(timer);
      if (!ok) throw new EnvError('services have not yet been read at least once, cannot construct envvars');
    }
    return podServiceEnv(pod, this.informer.lister.list());
  }
}
