// The built-in service load balancer (k3s's servicelb without its DaemonSet pods): every
// LoadBalancer Service without a loadBalancerClass gets status.loadBalancer.ingress set to
// the addresses of the nodes that carry it (see ingress.ts), kept in step as nodes come,
// go, turn NotReady or are cordoned. The traffic itself is the service proxy's job: every
// node accepts connections to those addresses on the service's ports, as kube-proxy does
// for a cloud load balancer's IPs. A service that stops being a LoadBalancer has its
// ingress list cleared.

import { runWorkers, type Workers } from '../../client/controller.js';
import { realClock, type Clock } from '../../client/clock.js';
import { isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/events.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, splitKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { kindedEvents, type EventSink } from '../controller-utils/events.js';
import { currentIngress, desiredIngressIPs, slicesOf, wantsLoadBalancer, type LbNode, type LbService, type LbSlice } from './ingress.js';

export interface ServiceLBControllerOptions {
  client: RestClient;
  log: Logger;
  informers?: InformerFactory;
  clock?: Clock;
  /** Events about services (UpdatedLoadBalancer, ...); default an EventRecorder on client. */
  events?: EventSink;
  /** Default 1: syncs are one cheap comparison, most of them writing nothing. */
  workers?: number;
}

export interface ServiceLBSyncDeps {
  client: RestClient;
  log: Logger;
  services: Lister<LbService>;
  nodes: Lister<LbNode>;
  slices: Lister<LbSlice>;
  events: EventSink;
}

function statusPath(ns: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/services/${encodeURIComponent(name)}/status`;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const show = (ips: string[]) => `[${ips.join(' ')}]`;

export async function syncServiceLB(key: string, d: ServiceLBSyncDeps): Promise<void> {
  const { namespace: ns, name } = splitKey(key);
  const svc = d.services.get(ns, name);
  if (!svc) return;
  const current = currentIngress(svc);
  let desired: string[];
  if (wantsLoadBalancer(svc)) {
    desired = desiredIngressIPs(svc, d.nodes.list(), slicesOf(svc, d.slices.list(ns)));
  } else if (svc.spec?.type !== 'LoadBalancer' && !svc.spec?.loadBalancerClass && current.length > 0) {
    desired = []; // no longer a LoadBalancer: what we published is stale
  } else {
    return; // not ours
  }
  if (same(current, desired)) return;
  try {
    // A merge patch replaces the whole list; null removes it.
    const ingress = desired.length ? desired.map((ip) => ({ ip })) : null;
    await d.client.patch(statusPath(ns, name), { status: { loadBalancer: { ingress } } }, 'merge');
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  d.log.info(`service lb: ${key} ingress ${show(current)} -> ${show(desired)}`);
  if (!wantsLoadBalancer(svc)) return;
  if (desired.length === 0) void d.events.event(svc, 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
  else void d.events.event(svc, 'Normal', 'UpdatedLoadBalancer', `Updated LoadBalancer with new IPs: ${show(current)} -> ${show(desired)}`);
}

/** What of a node decides whether and where it carries load balancers. */
function nodeSignature(n: LbNode): string {
  const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([ready, n.spec?.unschedulable ?? false, n.status?.addresses ?? [], n.metadata.labels ?? {}]);
}

export function startServiceLBController(opts: ServiceLBControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const queue = new WorkQueue<string>({ clock });
  const services = factory.informer<LbService>({ resource: { group: '', version: 'v1', resource: 'services' }, name: 'services' });
  const nodes = factory.informer<LbNode>({ resource: { group: '', version: 'v1', resource: 'nodes' }, name: 'nodes' });
  const slices = factory.informer<LbSlice>({ resource: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, name: 'endpointslices' });
  const events = opts.events ?? kindedEvents(new EventRecorder({ client, component: 'service-lb-controller', clock, log }), 'v1', 'Service');

  const enqueue = (o: KObject) => queue.add(objectKey(o));
  // Any node change can move every load balancer; only LoadBalancer services care.
  const allLoadBalancers = () => {
    for (const s of services.lister.list()) if (s.spec?.type === 'LoadBalancer') enqueue(s);
  };
  const sliceChanged = (s: LbSlice) => {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (svc) queue.add(`${s.metadata.namespace}/${svc}`);
  };
  const offs = [
    services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue }),
    // Heartbeats rewrite node status every few seconds; only what changes the choice counts.
    nodes.addEventHandler({ onAdd: allLoadBalancers, onUpdate: (a, b) => { if (nodeSignature(a) !== nodeSignature(b)) allLoadBalancers(); }, onDelete: allLoadBalancers }),
    slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_o, s) => sliceChanged(s), onDelete: sliceChanged }),
  ];
  factory.start();

  const abort = new AbortController();
  let workers: Workers | undefined;
  const deps: ServiceLBSyncDeps = { client, log, services: services.lister, nodes: nodes.lister, slices: slices.lister, events };
  const ready = Promise.all([services, nodes, slices].map((i) => i.waitForSync(abort.signal))).then((oks) => {
    if (!oks.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 1, name: 'service-lb-controller', log, sync: (key) => syncServiceLB(key, deps) });
    log.info('service lb controller started');
  });
  return {
    async stop() {
      abort.abort();
      for (const off of offs) off();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}
