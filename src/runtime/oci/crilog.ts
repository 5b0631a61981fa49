// Reading the CRI log format conmon writes (`-l k8s-file:`): one record per line,
// "<RFC3339Nano time> <stdout|stderr> <P|F> <text>", where P marks a partial line
// continued by the next record of the same stream and F a full one. conmon rotates a
// file that exceeds --log-size-max by replacing it, so a follower re-opens the file
// when it shrinks or its inode changes.

import { open, stat, type FileHandle } from 'node:fs/promises';
import type { LogLine, LogOptions } from '../cri.js';

export interface CriRecord { timestamp: number; stream: 'stdout' | 'stderr'; partial: boolean; text: string }

/** RFC 3339 with up to nine fraction digits, to nanoseconds since the epoch. */
export function parseTimestampNs(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return NaN;
  const secondsMs = Date.parse(`${m[1]}${m[3]}`);
  const frac = Number((m[2] ?? '').padEnd(9, '0'));
  return secondsMs * 1e6 + frac;
}

export function parseCriLine(line: string): CriRecord | null {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return null;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const timestamp = parseTimestampNs(line.slice(0, a));
  if (Number.isNaN(timestamp)) return null;
  return { timestamp, stream, partial: tag.split(':').includes('P'), text: c < 0 ? '' : line.slice(c + 1) };
}

/** Joins partial records into whole lines, per stream. */
export class LineAssembler {
  private readonly pending = new Map<string, CriRecord>();
  push(r: CriRecord): LogLine | null {
    const prev = this.pending.get(r.stream);
    const merged = prev ? { ...r, timestamp: prev.timestamp, text: prev.text + r.text } : r;
    if (r.partial) { this.pending.set(r.stream, merged); return null; }
    this.pending.delete(r.stream);
    return { timestamp: merged.timestamp, stream: merged.stream, log: merged.text };
  }
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((r) => {
  const t = setTimeout(r, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true });
});

async function openOrNull(path: string): Promise<FileHandle | null> {
  try { return await open(path, 'r'); } catch { return null; }
}

/**
 * Yields the log's lines; with `follow`, waits for more until `finished()` says the
 * writer is done and the file has been read to its end.
 */
export async function* readCriLog(path: string, opts: LogOptions, finished: () => Promise<boolean>): AsyncGenerator<LogLine> {
  const since = opts.sinceTime ?? 0;
  let fh = await openOrNull(path);
  let ino = fh ? (await fh.stat()).ino : 0;
  let offset = 0;
  let rest = '';
  const asm = new LineAssembler();
  let backlog: LogLine[] | null = opts.tail !== undefined ? [] : null;
  try {
    for (;;) {
      let grew = false;
      if (fh) {
        const buf = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          if (bytesRead === 0) break;
          grew = true;
          offset += bytesRead;
          rest += buf.subarray(0, bytesRead).toString('utf8');
          const lines = rest.split('\n');
          rest = lines.pop() ?? '';
          for (const l of lines) {
            const rec = parseCriLine(l);
            const line = rec && asm.push(rec);
            if (!line || line.timestamp < since) continue;
            if (backlog) backlog.push(line); else yield line;
          }
        }
      }
      if (backlog) {
        // The tail is cut once, from what existed when the reader started.
        const t = opts.tail ?? 0;
        const cut = t > 0 ? backlog.slice(-t) : [];
        backlog = null;
        for (const l of cut) yield l;
      }
      if (!opts.follow || opts.signal?.aborted) return;
      if (!grew) {
        if (await finished()) {
          // One last read: the writer may have flushed between our read and its exit.
          const s = await stat(path).catch(() => null);
          if (!s || s.size <= offset) return;
          continue;
        }
        await sleep(100, opts.signal);
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
