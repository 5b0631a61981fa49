// A UDP DNS load generator: a fixed number of queries kept in flight against one server
// (each answer sends the next), as dnsperf does, so the server's own speed sets the
// rate. Queries are encoded once; each send copies one and stamps a fresh id, and an
// answer counts only if it carries the id its slot is waiting for (stale answers after
// a timeout are dropped). A slot that waits past the timeout is counted lost and resent.

import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  address: string;
  port: number;
  /** Encoded queries (any id); sent round-robin from a random start per slot. */
  queries: Buffer[];
  /** Queries in flight at once; a power of two up to 4096. */
  inFlight: number;
  durationMs: number;
  timeoutMs?: number;
  /** Spread over this many sockets (source ports), as a real client population would. */
  sockets?: number;
}

export interface LoadResult {
  /** Answers with rcode NOERROR and at least one answer record, per second. */
  qps: number;
  answered: number;
  /** Answers with another rcode or no answer record. */
  failed: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
}

/** Time between the first send and the start of counting. */
const RAMP_MS = 500;

export class LoadOptionsError extends Error {
  override name = 'LoadOptionsError';
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const n = opts.inFlight;
  if (n < 1 || n > 4096 || (n & (n - 1)) !== 0) throw new LoadOptionsError(`inFlight must be a power of two up to 4096, not ${n}`);
  if (opts.queries.length === 0) throw new LoadOptionsError('no queries');
  const timeoutMs = opts.timeoutMs ?? 250;
  const socks = await Promise.all(Array.from({ length: opts.sockets ?? 4 }, () => openSocket()));
  // Slot i owns ids i, i+n, i+2n, ... (mod 65536): the id of an answer names its slot.
  const expected = new Int32Array(n).fill(-1);
  const sentAt = new Float64Array(n);
  const next = new Uint32Array(n);
  const generation = new Uint16Array(n);
  const latencies: number[] = [];
  let answered = 0;
  let failed = 0;
  let lost = 0;
  let running = true;

  const send = (slot: number) => {
    if (!running) return;
    const q = opts.queries[next[slot]! % opts.queries.length]!;
    next[slot]!++;
    generation[slot] = (generation[slot]! + 1) & ((65536 / n) - 1);
    const id = (generation[slot]! * n + slot) & 0xffff;
    const buf = Buffer.allocUnsafe(q.length);
    q.copy(buf);
    buf.writeUInt16BE(id, 0);
    expected[slot] = id;
    sentAt[slot] = performance.now();
    socks[slot % socks.length]!.send(buf, opts.port, opts.address);
  };
  const onMessage = (msg: Buffer) => {
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const slot = id & (n - 1);
    if (expected[slot] !== id) return;
    expected[slot] = -1;
    const rcode = msg[3]! & 0x0f;
    if (rcode === 0 && msg.readUInt16BE(6) > 0) {
      answered++;
      latencies.push(performance.now() - sentAt[slot]!);
    } else failed++;
    send(slot);
  };
  for (const s of socks) s.on('message', onMessage);

  const sweep = setInterval(() => {
    const now = performance.now();
    for (let i = 0; i < n; i++) {
      if (expected[i] !== -1 && now - sentAt[i]! > timeoutMs) {
        lost++;
        send(i);
      }
    }
  }, 50);
  // Slots start a few at a time (a burst of thousands overflows the server's receive
  // buffer and costs each lost query a timeout), and counting starts after a ramp.
  for (let i = 0; i < n; i++) {
    next[i] = Math.floor(Math.random() * opts.queries.length);
    send(i);
    if (i % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, RAMP_MS));
  answered = failed = lost = 0;
  latencies.length = 0;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, opts.durationMs));
  running = false;
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(sweep);
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.close(() => r()))));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]! : NaN);
  return { qps: answered / elapsed, answered, failed, lost, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

async function openSocket(): Promise<dgram.Socket> {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}
