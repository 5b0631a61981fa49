// Decodes a watch response: one JSON event per line, in chunks that may split a line (or
// a multi-byte character) anywhere.

import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { DecodeError, NetworkError, WatchStatusError } from './errors.js';
import { isRecord, type KObject, type Status, type WatchEvent } from './types.js';

const eventTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** Parses one line; ERROR events are thrown as WatchStatusError. */
export function parseWatchLine<T extends KObject>(line: string): WatchEvent<T> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new DecodeError(`watch: bad JSON line: ${line.slice(0, 200)}`, { cause: err });
  }
  if (!isRecord(v) || typeof v.type !== 'string' || !eventTypes.has(v.type) || !isRecord(v.object)) {
    throw new DecodeError(`watch: not a watch event: ${line.slice(0, 200)}`);
  }
  if (v.type === 'ERROR') {
    const status = v.object as Status;
    throw new WatchStatusError(status, typeof status.code === 'number' ? status.code : 500);
  }
  return { type: v.type as WatchEvent['type'], object: v.object as T };
}

/**
 * Feeds events to onEvent until the stream ends (resolves) or fails (rejects). An abort
 * through signal ends it quietly. onEvent may be async: the stream waits for it, so
 * events are handled strictly in order.
 */
export async function readWatchStream<T extends KObject>(
  body: Readable,
  onEvent: (ev: WatchEvent<T>) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  try {
    for await (const chunk of body) {
      buf += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) await onEvent(parseWatchLine<T>(line));
        if (signal?.aborted) return;
      }
    }
  } catch (err) {
    if (signal?.aborted) return;
    if (err instanceof WatchStatusError || err instanceof DecodeError) throw err;
    throw new NetworkError(`watch stream broke: ${(err as Error).message}`, { cause: err });
  } finally {
    body.destroy();
  }
  const rest = (buf + decoder.end()).trim();
  // A final event without its newline still counts: some servers end the stream that way.
  if (rest && !signal?.aborted) await onEvent(parseWatchLine<T>(rest));
}
