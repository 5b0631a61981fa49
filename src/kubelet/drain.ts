// Before a deleted pod's containers get preStop and SIGTERM, its IP must be out of every
// service's ready set and out of this node's proxy rules; then a short settle lets the
// other nodes' proxies catch up and requests already on their way finish. So a rolling
// update behind a Service loses nothing, without users adding preStop sleeps.
//
// The wait is bounded (half the grace period, at most 10 s) so deletion never hangs
// when no controller or proxy runs, and skipped where nothing can route to the pod:
// host-network pods, force deletes (grace 0), pods without an IP, and IPs no slice lists.

import type { Clock, Logger } from '../client/index.js';
import type { Pod } from './types.js';

/** What the node's service proxy answers (ServiceProxy.whenEndpointGone has this shape). */
export type EndpointGone = 'absent' | 'drained' | 'aborted';

/** The node's view of where services send connections; the integrator passes the ServiceProxy. */
export interface EndpointDrain {
  whenEndpointGone(ip: string, signal?: AbortSignal): Promise<EndpointGone>;
}

export interface DrainDeps {
  endpointDrain?: EndpointDrain;
  clock: Clock;
  log: Logger;
}

export const drainSettleMs = 500;
export const drainMaxMs = 10_000;

/** Waits until the pod's IP takes no new connections; answers the milliseconds spent. */
export async function drainPodEndpoints(d: DrainDeps, pod: Pod, ip: string, graceSeconds: number, settleMs = drainSettleMs): Promise<number> {
  if (!d.endpointDrain || graceSeconds <= 0 || pod.spec.hostNetwork || !ip) return 0;
  const start = d.clock.now();
  const bound = Math.min(graceSeconds * 500, drainMaxMs);
  const ac = new AbortController();
  const timer = d.clock.setTimeout(() => ac.abort(), bound);
  try {
    const r = await d.endpointDrain.whenEndpointGone(ip, ac.signal);
    const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (r === 'aborted') {
      d.log.warn(`kubelet: pod ${name}: ${ip} still routed by a service after ${bound} ms; stopping it anyway`);
      return d.clock.now() - start;
    }
    if (r === 'absent') return d.clock.now() - start;
    const left = bound - (d.clock.now() - start);
    if (left > 0) await new Promise<void>((res) => d.clock.setTimeout(res, Math.min(settleMs, left)));
    d.log.info(`kubelet: pod ${name}: ${ip} left the service rules in ${d.clock.now() - start} ms`);
    return d.clock.now() - start;
  } finally {
    d.clock.clearTimeout(timer);
  }
}
