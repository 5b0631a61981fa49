// Catching a watcher up from the log, then switching it to live events.
//
// Both backends keep a log of every write since the compacted revision. A watch that
// starts in the past reads that log in chunks (so a long history neither floods memory
// nor blocks the event loop), pulling the next chunk only once the watcher has taken
// the previous one. Each read is synchronous and sees the log up to the source's current
// revision, which only moves together with the publishing of its events to the live set
// (for SQLite: when a commit is on disk), so when a read comes back short it has seen the
// whole log: the watcher is marked as having considered every revision up to the current
// one and joins the live set in the same turn. No publish can fall in between, which is
// why there is no gap and no duplicate.

import { CompactedError, type WatchEvent } from './store.js';
import type { WatchSubscription } from './watch-subscription.js';

/** Default number of log rows read per replay step. */
export const DEFAULT_REPLAY_CHUNK = 1000;

export interface ReplaySource {
  /** Up to limit events under prefix with revision > after, in revision order. Must be synchronous. */
  eventsAfter(prefix: string, after: number, limit: number): WatchEvent[];
  currentRevision(): number;
  compactedRevision(): number;
}

/** Replays sub from its lastRevision, then calls goLive(sub) once it is caught up. */
export function startReplay(
  sub: WatchSubscription,
  source: ReplaySource,
  chunk: number,
  goLive: (sub: WatchSubscription) => void,
): void {
  const step = (): void => {
    sub.onIdle = undefined;
    if (sub.closed) return;
    const compacted = source.compactedRevision();
    if (compacted > sub.lastRevision) {
      // History this watcher still needed was compacted while it was catching up.
      sub.fail(new CompactedError(sub.lastRevision, compacted));
      return;
    }
    const events = source.eventsAfter(sub.prefix, sub.lastRevision, chunk);
    sub.offer(events);
    if (sub.closed) return;
    if (events.length < chunk) {
      sub.advanceTo(source.currentRevision());
      goLive(sub);
      return;
    }
    sub.onIdle = () => { sub.onIdle = undefined; setImmediate(step); };
    if (sub.idle) sub.onIdle();
  };
  step();
}
