// Back-off before replacing failed pods: 10 s after the first failure since the last
// success, doubling per further failure, at most 6 minutes, as the Job controller does.
// The record lives in memory, keyed by job uid, like Kubernetes' backoff store.

export const backoffBaseMs = 10_000;
export const backoffMaxMs = 360_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureMs: number;
}

export function backoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  // 2^(failures-1) overflows nothing below the cap: stop doubling once past it.
  let d = backoffBaseMs;
  for (let i = 1; i < failures && d < backoffMaxMs; i++) d *= 2;
  return Math.min(d, backoffMaxMs);
}

/** How long to wait before creating pods, 0 when allowed now. */
export function remainingBackoffMs(rec: BackoffRecord | undefined, now: number): number {
  if (!rec || rec.failuresAfterLastSuccess === 0) return 0;
  return Math.max(0, rec.lastFailureMs + backoffDelayMs(rec.failuresAfterLastSuccess) - now);
}

export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  get(uid: string): BackoffRecord | undefined {
    return this.records.get(uid);
  }

  /** Records pods newly counted: successes reset the count, failures add to it. */
  observe(uid: string, succeeded: number, failed: number, now: number): void {
    if (succeeded === 0 && failed === 0) return;
    const r = this.records.get(uid) ?? { failuresAfterLastSuccess: 0, lastFailureMs: 0 };
    if (succeeded > 0) r.failuresAfterLastSuccess = 0;
    if (failed > 0) {
      r.failuresAfterLastSuccess += failed;
      r.lastFailureMs = now;
    }
    this.records.set(uid, r);
  }

  delete(uid: string): void {
    this.records.delete(uid);
  }
}
