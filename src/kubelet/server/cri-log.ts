// Serving a container's CRI log file as `kubectl logs` expects it: each record
// "<RFC3339Nano> <stdout|stderr> <P|F> <text>" becomes its text (a newline after full
// records, none after partial ones), optionally prefixed by its timestamp, cut by
// tailLines, sinceTime and limitBytes; with follow, the file is tailed until the
// container has exited and everything written has been sent. The runtime's writer
// (conmon) rotates by replacing the file, so a follower re-opens it when its inode
// changes or it shrinks.

import { open, stat, type FileHandle } from 'node:fs/promises';

export interface CriLogRecord {
  /** The timestamp exactly as written. */
  time: string;
  /** Nanoseconds since the epoch (loses a little precision above 2^53; fine for comparisons). */
  timestampNs: number;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: string;
}

export interface CriLogOptions {
  follow?: boolean;
  /** Only the last N full lines (before following). */
  tailLines?: number;
  /** Only records at or after this time (ns since the epoch). */
  sinceNs?: number;
  timestamps?: boolean;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** Only this stream (the real kubelet's `stream` option); default both. */
  stream?: 'stdout' | 'stderr';
  signal?: AbortSignal;
  /** How often a follower looks for more (default 200 ms). */
  pollMs?: number;
}

/** RFC 3339 with up to nine fraction digits, to nanoseconds; NaN when malformed. */
export function parseRfc3339Ns(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return NaN;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  return ms * 1e6 + Number((m[2] ?? '').padEnd(9, '0'));
}

/** One line of a CRI log file, or null for a line that is not a record (skipped, as the kubelet does). */
export function parseCriLogLine(line: string): CriLogRecord | null {
  const a = line.indexOf(' ');
  if (a < 0) return null;
  const b = line.indexOf(' ', a + 1);
  if (b < 0) return null;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const c = line.indexOf(' ', b + 1);
  const tags = (c < 0 ? line.slice(b + 1) : line.slice(b + 1, c)).split(':');
  const time = line.slice(0, a);
  const timestampNs = parseRfc3339Ns(time);
  if (Number.isNaN(timestampNs)) return null;
  return { time, timestampNs, stream, partial: tags.includes('P'), text: c < 0 ? '' : line.slice(c + 1) };
}

/** What one record contributes to the output. */
export function formatRecord(r: CriLogRecord, timestamps: boolean): string {
  return `${timestamps ? `${r.time} ` : ''}${r.text}${r.partial ? '' : '\n'}`;
}

/** The records of the last `n` full lines (a full line ends with an F record). */
export function tailRecords(records: CriLogRecord[], n: number): CriLogRecord[] {
  if (n <= 0) return [];
  let full = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    if (!records[i].partial) {
      full++;
      if (full > n) return records.slice(i + 1);
    }
  }
  return records;
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  if (signal?.aborted) return resolve();
  const t = setTimeout(done, ms);
  signal?.addEventListener('abort', done, { once: true });
  function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
});

async function openOrNull(path: string): Promise<FileHandle | null> {
  try { return await open(path, 'r'); } catch { return null; }
}

/**
 * Writes the log to `write` (which may return a promise for back-pressure). With
 * follow, keeps going until `running()` answers false and the file is read to its end,
 * or the signal aborts.
 */
export async function streamCriLog(
  path: string,
  opts: CriLogOptions,
  write: (chunk: string) => void | Promise<void>,
  running: () => Promise<boolean> = async () => false,
): Promise<void> {
  const since = opts.sinceNs ?? 0;
  let budget = opts.limitBytes !== undefined && opts.limitBytes > 0 ? opts.limitBytes : Infinity;
  const keep = (r: CriLogRecord) => r.timestampNs >= since && (!opts.stream || r.stream === opts.stream);
  const emit = async (r: CriLogRecord): Promise<boolean> => {
    let s = formatRecord(r, opts.timestamps ?? false);
    const bytes = Buffer.byteLength(s);
    if (bytes > budget) s = Buffer.from(s).subarray(0, budget).toString('utf8');
    budget -= Math.min(bytes, budget);
    if (s.length > 0) await write(s);
    return budget > 0;
  };

  let fh = await openOrNull(path);
  let ino = fh ? (await fh.stat()).ino : 0;
  let offset = 0;
  let rest = '';
  let first = true;
  const buf = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      // Read what is there now.
      const records: CriLogRecord[] = [];
      let grew = false;
      while (fh) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        if (bytesRead === 0) break;
        grew = true;
        offset += bytesRead;
        rest += buf.subarray(0, bytesRead).toString('utf8');
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) {
          const r = parseCriLogLine(l);
          if (r && keep(r)) records.push(r);
        }
        // Without a tail cut, records can go out as they come instead of piling up.
        if (!(first && opts.tailLines !== undefined)) {
          for (const r of records.splice(0)) if (!(await emit(r))) return;
        }
      }
      const out = first && opts.tailLines !== undefined && opts.tailLines >= 0 ? tailRecords(records, opts.tailLines) : records;
      first = false;
      for (const r of out) if (!(await emit(r))) return;
      if (!opts.follow || opts.signal?.aborted) return;
      if (!grew) {
        if (!(await running())) {
          // One last look: the writer may have flushed between our read and its exit.
          const s = await stat(path).catch(() => null);
          if (!s || (s.ino === ino && s.size <= offset)) return;
        } else {
          await sleep(opts.pollMs ?? 200, opts.signal);
          if (opts.signal?.aborted) return;
        }
        const s = await stat(path).catch(() => null);
        if (s && (s.ino !== ino || s.size < offset)) {
          await fh?.close();
          fh = await openOrNull(path);
          ino = s.ino;
          offset = 0;
          rest = '';
        } else if (!fh && s) {
          fh = await openOrNull(path);
          ino = s.ino;
        }
      }
    }
  } finally {
    await fh?.close();
  }
}
