// What the watch cache holds and hands out: entries (an object with its bytes, serialised
// once when it enters the cache) and events, whose watch-stream lines and HTTP chunks are
// built once and shared by every watcher that receives them.

import type { KObject } from './kobject.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One object as the cache holds it. */
export class CacheEntry {
  constructor(
    readonly key: string,
    readonly obj: KObject,
    /** The object serialised as JSON, with metadata.resourceVersion set. */
    readonly bytes: Buffer,
    readonly rev: number,
  ) {}

  private metadataViews: Record<string, string> | undefined;

  /**
   * The object as a PartialObjectMetadata of meta.k8s.io/viewVersion (what Table rows
   * carry), serialised once; a string, because Table rows are assembled as text.
   */
  partialMetadata(viewVersion: string): string {
    this.metadataViews ??= {};
    let m = this.metadataViews[viewVersion];
    if (m === undefined) {
      m = `{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(`meta.k8s.io/${viewVersion}`)},"metadata":${JSON.stringify(this.obj.metadata)}}`;
      this.metadataViews[viewVersion] = m;
    }
    return m;
  }

  /** The JSON as a string (decoded from bytes each time: the bytes are what lists and watches send). */
  get json(): string {
    return this.bytes.toString();
  }

  /** An entry for an object not read from the cache (a list from the datastore): serialised here. */
  static of(key: string, obj: KObject, rev: number): CacheEntry {
    return new CacheEntry(key, obj, Buffer.from(JSON.stringify(obj)), rev);
  }
}

/**
 * Parses a stored value into an entry whose object carries resourceVersion rev. The
 * bytes come from the stored text itself when its head is the usual
 * `{"apiVersion":..,"kind":..,"metadata":{` (the resourceVersion is spliced in there),
 * so the object is not serialised again; any other shape is re-serialised.
 */
export function decodeEntry(key: string, value: string, rev: number): CacheEntry {
  const obj = JSON.parse(value) as KObject;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new MalformedValueError(key);
  const rv = String(rev);
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  const spliced = obj.metadata.resourceVersion === undefined ? spliceResourceVersion(obj.apiVersion, obj.kind, value, rv) : undefined;
  obj.metadata.resourceVersion = rv;
  return new CacheEntry(key, obj, spliced ?? Buffer.from(JSON.stringify(obj)), rev);
}

export class MalformedValueError extends Error {
  constructor(readonly key: string) {
    super(`stored value of ${key} is not a JSON object`);
    this.name = 'MalformedValueError';
  }
}

/**
 * The JSON text of an object without metadata.resourceVersion, with it added, when the
 * text begins `{"apiVersion":..,"kind":..,"metadata":{` (as objects written through the
 * API do); undefined for any other shape.
 */
export function spliceResourceVersion(apiVersion: unknown, kind: unknown, value: string, rv: string): Buffer | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const head = `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":{`;
  if (!value.startsWith(head)) return undefined;
  const rest = value.slice(head.length);
  const field = `"resourceVersion":${JSON.stringify(rv)}`;
  return Buffer.from(head + field + (rest.startsWith('}') ? '' : ',') + rest);
}

const crlf = Buffer.from('\r\n');

/** Frames bytes as one HTTP/1.1 chunk (size in hex, CRLF, data, CRLF). */
export function httpChunk(parts: readonly Buffer[]): Buffer {
  let len = 0;
  for (const p of parts) len += p.length;
  const size = Buffer.from(len.toString(16) + '\r\n', 'latin1');
  return Buffer.concat([size, ...parts, crlf], size.length + len + 2);
}

const linePrefix: Record<EventType, Buffer> = {
  ADDED: Buffer.from('{"type":"ADDED","object":'),
  MODIFIED: Buffer.from('{"type":"MODIFIED","object":'),
  DELETED: Buffer.from('{"type":"DELETED","object":'),
};
const lineSuffix = Buffer.from('}\n');

export class CacheEvent {
  private lines: Partial<Record<EventType, Buffer>> | undefined;
  private chunks: Partial<Record<EventType, Buffer>> | undefined;

  constructor(
    readonly type: EventType,
    readonly entry: CacheEntry,
    readonly prev: CacheEntry | undefined,
  ) {}

  /** The watch stream line for this event, built once and shared by every JSON watcher. */
  line(type: EventType = this.type): Buffer {
    this.lines ??= {};
    let b = this.lines[type];
    if (!b) {
      const body = this.entry.bytes;
      b = Buffer.concat([linePrefix[type], body, lineSuffix], linePrefix[type].length + body.length + lineSuffix.length);
      this.lines[type] = b;
    }
    return b;
  }

  /** The line framed as an HTTP chunk, built once and written as is to every watcher's socket. */
  chunk(type: EventType = this.type): Buffer {
    this.chunks ??= {};
    let b = this.chunks[type];
    if (!b) {
      b = httpChunk([this.line(type)]);
      this.chunks[type] = b;
    }
    return b;
  }
}

/** What a watcher receives: an event, possibly retyped by its filter (MODIFIED -> ADDED/DELETED). */
export interface Delivery {
  type: EventType;
  event: CacheEvent;
}

/**
 * The events one fan-out gives a watcher. Watchers that get the same events (every
 * unfiltered watcher of a resource) share one batch, so its chunk is built once.
 */
export class DeliveryBatch {
  private framed: Buffer | undefined;

  constructor(readonly items: readonly Delivery[]) {}

  /** The JSON watch lines of every event, framed as one HTTP chunk. */
  jsonChunk(): Buffer {
    if (!this.framed) {
      this.framed = this.items.length === 1
        ? this.items[0].event.chunk(this.items[0].type)
        : httpChunk(this.items.map((d) => d.event.line(d.type)));
    }
    return this.framed;
  }
}
