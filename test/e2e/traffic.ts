// Traffic helpers for the service e2e tests: one HTTP request on a fresh connection
// (as a client that keeps no pool would send it), and a client that sends requests
// without pause until told to stop, counting what failed and why.

import { execFile } from 'node:child_process';
import { get } from 'node:http';

export interface Reply {
  status: number;
  body: string;
}

/** GET on a new TCP connection (no keep-alive agent), failing after timeoutMs. */
export function httpGet(url: string, timeoutMs = 2000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Who answered how many of n sequential requests (a reply's body is its pod's hostname). */
export async function spread(url: string, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await httpGet(url).catch(() => undefined);
    const who = r && r.status === 200 ? r.body.trim() : 'failed';
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  return counts;
}

export interface LoadResult {
  sent: number;
  failed: number;
  /** The first few failures: when (ms after start) and why. */
  failures: string[];
}

/** `loops` clients, each sending one request after the other until stop() is called. */
export function startLoad(url: string, loops: number, timeoutMs = 2000): { stop(): Promise<LoadResult> } {
  let running = true;
  const started = Date.now();
  const result: LoadResult = { sent: 0, failed: 0, failures: [] };
  const fail = (why: string) => {
    result.failed++;
    if (result.failures.length < 20) result.failures.push(`${Date.now() - started} ms: ${why}`);
  };
  const loop = async () => {
    while (running) {
      result.sent++;
      try {
        const r = await httpGet(url, timeoutMs);
        if (r.status !== 200) fail(`HTTP ${r.status}`);
      } catch (e) {
        fail((e as Error).message);
      }
    }
  };
  const all = Promise.all(Array.from({ length: loops }, loop));
  return {
    async stop() {
      running = false;
      await all;
      return result;
    },
  };
}

/** The proxy's nft table as the kernel lists it ('' when absent). */
export function nftTable(table = 'k8ts-proxy'): Promise<string> {
  return new Promise((resolve) => {
    execFile('nft', ['list', 'table', 'ip', table], { encoding: 'utf8' }, (_err, stdout) => resolve(stdout ?? ''));
  });
}
