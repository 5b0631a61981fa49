// Records core/v1 Events about objects, as `kubectl describe` shows them. A repeat of
// the same (object, type, reason, message) within the window does not create another
// Event: it bumps count and lastTimestamp on the existing one with a PATCH, so a
// crash-looping pod makes one Event with a large count rather than thousands.

import { realClock, type Clock } from './clock.js';
import { isNotFound } from './errors.js';
import { silentLogger, type Logger } from './log.js';
import type { PatchType } from './rest-client.js';
import type { KObject } from './types.js';

export interface EventClient {
  create<T extends KObject>(path: string, body: unknown): Promise<T>;
  patch<T extends KObject>(path: string, body: unknown, patchType?: PatchType): Promise<T>;
}

export interface ObjectReference {
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: EventClient;
  /** source.component and reportingComponent, e.g. 'kubelet' or 'replicaset-controller'. */
  component: string;
  /** source.host (the node, for kubelets). */
  host?: string;
  /** Repeats within this window update the existing Event. Default 10 minutes. */
  windowMs?: number;
  /** How many distinct events are remembered for de-duplication. Default 4096. */
  maxCached?: number;
  clock?: Clock;
  log?: Logger;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

export function referenceOf(obj: KObject, fieldPath?: string): ObjectReference {
  return {
    kind: obj.kind,
    apiVersion: obj.apiVersion,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
    fieldPath,
  };
}

/** metav1.Time: RFC 3339 to the second. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  /** One write at a time per event key, so two quick repeats cannot both create. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: EventRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
  }

  /** Records an event; never throws (a lost event must not fail the caller's sync). */
  event(about: KObject | ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const ref = 'metadata' in about ? referenceOf(about as KObject) : (about as ObjectReference);
    const key = JSON.stringify([ref.kind, ref.namespace, ref.name, ref.uid, ref.fieldPath, type, reason, message]);
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.write(key, ref, type, reason, message));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  private async write(key: string, ref: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.clock.now();
    const windowMs = this.opts.windowMs ?? 600_000;
    const prior = this.seen.get(key);
    try {
      if (prior && now - prior.lastSeenMs <= windowMs) {
        try {
          const count = prior.count + 1;
          await this.opts.client.patch(
            `/api/v1/namespaces/${encodeURIComponent(prior.namespace)}/events/${encodeURIComponent(prior.name)}`,
            { count, lastTimestamp: rfc3339(now), message },
            'strategic',
          );
          this.remember(key, { ...prior, count, lastSeenMs: now });
          return;
        } catch (err) {
          // The Event expired (TTL) or was deleted: start a new one.
          if (!isNotFound(err)) throw err;
        }
      }
      // Events about cluster-scoped objects live in the default namespace, as in Kubernetes.
      const namespace = ref.namespace || 'default';
      const name = `${ref.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
      const ts = rfc3339(now);
      const body = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: stripUndefined({ ...ref }),
        reason,
        message,
        type,
        source: stripUndefined({ component: this.opts.component, host: this.opts.host }),
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
        reportingComponent: this.opts.component,
        reportingInstance: this.opts.host ?? '',
      };
      await this.opts.client.create(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, body);
      this.remember(key, { namespace, name, count: 1, firstTimestamp: ts, lastSeenMs: now });
    } catch (err) {
      this.log.warn(`events: could not record ${reason} for ${ref.kind ?? ''} ${ref.namespace ?? ''}/${ref.name ?? ''}: ${(err as Error).message}`);
    }
  }

  private remember(key: string, s: Seen): void {
    // Re-inserting moves the key to the end of the Map's order, so the first key is the oldest.
    this.seen.delete(key);
    this.seen.set(key, s);
    const max = this.opts.maxCached ?? 4096;
    while (this.seen.size > max) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
