// Leader election through a coordination.k8s.io/v1 Lease, as client-go does it: the
// holder renews spec.renewTime every retry period; others take over only once they have
// watched the lease go unrenewed for a whole lease duration by their own clock (so clock
// skew between machines does not matter). Every write carries the resourceVersion read,
// so two candidates racing for an expired lease cannot both win: one gets 409.

import { realClock, sleep, type Clock } from './clock.js';
import { isConflict, isAlreadyExists, isNotFound } from './errors.js';
import { silentLogger, type Logger } from './log.js';
import type { KObject } from './types.js';

export interface LeaseClient {
  get<T extends KObject>(path: string): Promise<T>;
  create<T extends KObject>(path: string, body: unknown): Promise<T>;
  update<T extends KObject>(path: string, body: unknown): Promise<T>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KObject {
  spec?: LeaseSpec;
}

export interface LeaderElectorOptions {
  client: LeaseClient;
  /** Lease namespace. Default 'kube-system'. */
  namespace?: string;
  /** Lease name, e.g. 'kube-controller-manager'. */
  name: string;
  /** This candidate's unique identity (hostname plus a random suffix). */
  identity: string;
  /** How long a lease holds without renewal. Default 15000. */
  leaseDurationMs?: number;
  /** A leader that cannot renew for this long steps down. Default 10000. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. Default 2000. */
  retryPeriodMs?: number;
  /** Called once leadership is won; the signal aborts when it is lost or run() is stopped. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called when leadership ends (lost or stopped). */
  onStoppedLeading?(): void;
  /** Called whenever the observed holder changes. */
  onNewLeader?(identity: string): void;
  clock?: Clock;
  log?: Logger;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly log: Logger;
  private observedSpec = '';
  private observedRv = '';
  private observedAtMs = 0;
  private leading = false;
  private lastHolder = '';

  constructor(private readonly opts: LeaderElectorOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
  }

  isLeader(): boolean {
    return this.leading;
  }

  private get path(): string {
    const ns = encodeURIComponent(this.opts.namespace ?? 'kube-system');
    return `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${encodeURIComponent(this.opts.name)}`;
  }

  /**
   * Campaigns until leading, leads until renewal fails past the deadline, then returns.
   * Aborting signal ends it early and releases the lease, so a successor need not wait.
   */
  async run(signal?: AbortSignal): Promise<void> {
    const retry = this.opts.retryPeriodMs ?? 2000;
    const deadline = this.opts.renewDeadlineMs ?? 10_000;
    while (!signal?.aborted) {
      if (await this.tryAcquireOrRenew()) break;
      // Jitter keeps candidates that started together from colliding on every attempt.
      await sleep(this.clock, retry * (1 + Math.random() * 0.2), signal);
    }
    if (signal?.aborted) return;
    this.leading = true;
    this.log.info(`leader-election ${this.opts.name}: ${this.opts.identity} became leader`);
    const leadership = new AbortController();
    const onAbort = () => leadership.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.opts.onStartedLeading(leadership.signal);
    let lastRenew = this.clock.now();
    while (!signal?.aborted) {
      await sleep(this.clock, retry, signal);
      if (signal?.aborted) break;
      if (await this.tryAcquireOrRenew()) lastRenew = this.clock.now();
      else if (this.clock.now() - lastRenew >= deadline) {
        this.log.warn(`leader-election ${this.opts.name}: ${this.opts.identity} failed to renew for ${deadline} ms; stepping down`);
        break;
      }
    }
    signal?.removeEventListener('abort', onAbort);
    this.leading = false;
    leadership.abort();
    if (signal?.aborted) await this.release();
    this.opts.onStoppedLeading?.();
  }

  /** One attempt: true when this candidate holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const durationS = Math.max(1, Math.round((this.opts.leaseDurationMs ?? 15_000) / 1000));
    const me = this.opts.identity;
    let lease: Lease;
    try {
      lease = await this.opts.client.get<Lease>(this.path);
    } catch (err) {
      if (!isNotFound(err)) return this.failed('get', err);
      try {
        const created = await this.opts.client.create<Lease>(this.path.replace(/\/[^/]+$/, ''), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.opts.name, namespace: this.opts.namespace ?? 'kube-system' },
          spec: { holderIdentity: me, leaseDurationSeconds: durationS, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        });
        this.observe(created, now);
        return true;
      } catch (cerr) {
        if (isAlreadyExists(cerr)) return false;
        return this.failed('create', cerr);
      }
    }
    this.observe(lease, now);
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const holderDurationMs = (spec.leaseDurationSeconds ?? durationS) * 1000;
    const valid = this.observedAtMs + holderDurationMs > now;
    if (holder !== '' && holder !== me && valid) return false;
    const mine = holder === me;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: me,
        leaseDurationSeconds: durationS,
        renewTime: microTime(now),
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
        // Any change of holder counts, a takeover after a release included, as in client-go.
        leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      const updated = await this.opts.client.update<Lease>(this.path, next);
      this.observe(updated, now);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      return this.failed('update', err);
    }
  }

  /** Gives the lease up so a successor can take it at once rather than after expiry. */
  private async release(): Promise<void> {
    try {
      const lease = await this.opts.client.get<Lease>(this.path);
      if (lease.spec?.holderIdentity !== this.opts.identity) return;
      const now = this.clock.now();
      await this.opts.client.update(this.path, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(now), acquireTime: microTime(now) },
      });
    } catch (err) {
      this.log.warn(`leader-election ${this.opts.name}: release failed: ${(err as Error).message}`);
    }
  }

  /** Notes when the lease last changed, by our clock: expiry is judged from that. */
  private observe(lease: Lease, now: number): void {
    const spec = JSON.stringify(lease.spec ?? {});
    const rv = lease.metadata.resourceVersion ?? '';
    if (spec !== this.observedSpec || rv !== this.observedRv) {
      this.observedSpec = spec;
      this.observedRv = rv;
      this.observedAtMs = now;
    }
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.lastHolder) {
      this.lastHolder = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  private failed(what: string, err: unknown): false {
    this.log.warn(`leader-election ${this.opts.name}: ${what} lease failed: ${(err as Error).message}`);
    return false;
  }
}
