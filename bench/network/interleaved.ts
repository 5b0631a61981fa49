// A small HTTP client that measures several addresses at the same time: for each
// target, `perTarget` loops send a request on a new connection (no keep-alive, as
// busybox httpd answers), wait for the whole answer, and send the next. The timing of
// one request runs from before the connect to the last byte, so a slow connect (a lost
// SYN, a slow DNAT) counts. Running the targets side by side means a change in the
// machine's load during the run touches all of them alike.

import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Target {
  name: string;
  url: string;
}

export interface TargetResult {
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
  errors: number;
  /** Error messages (ECONNREFUSED, timeout, ...) and how often each came. */
  errorKinds: Record<string, number>;
}

function once(url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.on('data', () => {});
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export async function runInterleaved(targets: Target[], perTarget: number, durationMs: number, timeoutMs = 5000): Promise<Map<string, TargetResult>> {
  const lat = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const errors = new Map<string, number>(targets.map((t) => [t.name, 0]));
  const kinds = new Map<string, Record<string, number>>(targets.map((t) => [t.name, {}]));
  const end = performance.now() + durationMs;
  const start = performance.now();
  await Promise.all(targets.flatMap((t) => Array.from({ length: perTarget }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await once(t.url, timeoutMs);
        lat.get(t.name)!.push(performance.now() - t0);
      } catch (e) {
        errors.set(t.name, errors.get(t.name)! + 1);
        const k = kinds.get(t.name)!;
        const msg = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        k[msg] = (k[msg] ?? 0) + 1;
      }
    }
  })));
  const elapsed = (performance.now() - start) / 1000;
  const out = new Map<string, TargetResult>();
  for (const t of targets) {
    const xs = lat.get(t.name)!.sort((a, b) => a - b);
    const pct = (p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]! : NaN);
    out.set(t.name, { p50Ms: pct(0.5), p99Ms: pct(0.99), requestsPerSecond: xs.length / elapsed, errors: errors.get(t.name)!, errorKinds: kinds.get(t.name)! });
  }
  return out;
}
