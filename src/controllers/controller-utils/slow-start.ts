// Kubernetes' slowStartBatch: run count calls in batches of 1, 2, 4, 8, ..., all calls
// of a batch at once, stopping after the first batch in which any call failed. A
// controller whose creations all fail (a quota, an admission webhook) then sends one
// request instead of hundreds.

export interface SlowStartResult {
  successes: number;
  /** The first failure, if any. */
  error?: unknown;
}

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, Math.max(1, initialBatchSize)); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else if (error === undefined) error = r.reason ?? new Error('call failed');
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}
