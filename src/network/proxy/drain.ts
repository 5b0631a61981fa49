// When has a pod's IP stopped taking new connections through this node? When no
// EndpointSlice lists it as ready, and the kernel holds rules rendered from a view of
// the slices in which that was so. The kubelet waits for this before it stops a deleted
// pod's containers, so a rollout behind a Service drops no request.
//
// Generations make "rendered from such a view" exact: every informer event bumps the
// cache generation; a sync notes the generation it rendered from and, once the kernel
// has the rules, marks that generation applied.
import type { EndpointSlice } from './types.js';

/** How an IP appears in the slices: as a ready endpoint, only otherwise, or not at all. */
export type EndpointPresence = 'ready' | 'listed' | 'absent';

/**
 * The answer to "wait until ip is gone": `absent` (no slice ever listed it, so nothing
 * routed to it), `drained` (it was listed and is now out of every ready set, in the
 * kernel too), or `aborted` (the caller's signal fired first).
 */
export type EndpointGone = 'absent' | 'drained' | 'aborted';

export function presenceOf(slices: EndpointSlice[], ip: string): EndpointPresence {
  let seen: EndpointPresence = 'absent';
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      if (!ep.addresses.includes(ip)) continue;
      const c = ep.conditions ?? {};
      // The same reading of the conditions as the proxy's backend choice (absent = ready).
      if (c.ready !== false && c.terminating !== true) return 'ready';
      seen = 'listed';
    }
  }
  return seen;
}

export class DrainTracker {
  private cacheGen = 0;
  private appliedGen = -1;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly slices: () => EndpointSlice[]) {}

  /** The cache changed (any Service or EndpointSlice event). */
  changed(): void {
    this.cacheGen++;
    this.wake();
  }

  /** The generation a render is about to read; hand it to applied() once in the kernel. */
  snapshot(): number {
    return this.cacheGen;
  }

  applied(gen: number): void {
    if (gen <= this.appliedGen) return;
    this.appliedGen = gen;
    this.wake();
  }

  /**
   * Resolves once no slice lists ip as ready and the kernel's rules come from such a
   * view. A terminating endpoint the proxy still uses because nothing else is ready (the
   * serving-terminating fallback) does not hold this up: no other endpoint could take
   * its connections, so waiting would only delay the pod's own shutdown.
   */
  async whenGone(ip: string, signal?: AbortSignal): Promise<EndpointGone> {
    let listed = false;
    for (;;) {
      if (signal?.aborted) return 'aborted';
      const gen = this.cacheGen;
      const p = presenceOf(this.slices(), ip);
      if (p !== 'absent') listed = true;
      if (p !== 'ready' && this.appliedGen >= gen) return listed ? 'drained' : 'absent';
      await this.next(signal);
    }
  }

  private next(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
