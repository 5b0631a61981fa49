// A small typed client for the Kubernetes REST API. Paths are URL paths (build them with
// resourcePath); bodies are plain JSON objects. Every non-2xx answer becomes an
// ApiStatusError carrying the server's Status.

import type { Readable } from 'node:stream';
import { ApiStatusError, DecodeError, NetworkError } from './errors.js';
import { realClock, sleep, type Clock } from './clock.js';
import { readKubeconfig } from './kubeconfig.js';
import { withQuery, type Query } from './resource-path.js';
import { HttpTransport, type Headers, type Transport, type TransportResponse } from './transport.js';
import { isRecord, type DeleteOptions, type KList, type KObject, type Status, type WatchEvent } from './types.js';
import { readWatchStream } from './watch-stream.js';

export { resourcePath, groupVersionPath, withQuery, type ResourceRef, type Query } from './resource-path.js';

export interface RestClientOptions {
  /** Base URL, e.g. 'https://127.0.0.1:6443'. Required unless transport is given. */
  server?: string;
  /** PEM CA bundle for the server certificate. */
  ca?: string;
  /** PEM client certificate and key. */
  cert?: string;
  key?: string;
  /** Bearer token sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Default 'k8ts'. */
  userAgent?: string;
  insecureSkipTLSVerify?: boolean;
  /** Replaces HTTPS entirely (in-process transport, tests). */
  transport?: Transport;
  /**
   * How often a request answered 429 with Retry-After is sent again (the server did not
   * act on it, so any verb is safe to repeat). Default 5; waits are capped at 10 s.
   */
  maxRetries?: number;
  clock?: Clock;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export class RestClient {
  readonly transport: Transport;
  private readonly baseHeaders: Headers;
  private readonly maxRetries: number;
  private readonly clock: Clock;

  constructor(opts: RestClientOptions) {
    this.maxRetries = opts.maxRetries ?? 5;
    this.clock = opts.clock ?? realClock;
    if (opts.transport) this.transport = opts.transport;
    else if (opts.server) {
      this.transport = new HttpTransport({
        server: opts.server,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        insecureSkipTLSVerify: opts.insecureSkipTLSVerify,
      });
    } else throw new TypeError('RestClient: either server or transport is required');
    this.baseHeaders = { 'User-Agent': opts.userAgent ?? 'k8ts', Accept: 'application/json' };
    if (opts.token) this.baseHeaders.Authorization = `Bearer ${opts.token}`;
  }

  /** A client for the current context of a kubeconfig file. */
  static fromKubeconfig(path: string, extra: { userAgent?: string } = {}): RestClient {
    const kc = readKubeconfig(path);
    return new RestClient({ ...kc, userAgent: extra.userAgent });
  }

  get<T extends KObject = KObject>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path, { query, signal });
  }

  list<T extends KObject = KObject>(path: string, query?: Query, signal?: AbortSignal): Promise<KList<T>> {
    return this.json<KList<T>>('GET', path, { query, signal });
  }

  create<T extends KObject = KObject>(path: string, body: unknown, query?: Query): Promise<T> {
    return this.json<T>('POST', path, { body, query });
  }

  update<T extends KObject = KObject>(path: string, body: unknown, query?: Query): Promise<T> {
    return this.json<T>('PUT', path, { body, query });
  }

  patch<T extends KObject = KObject>(path: string, body: unknown, patchType: PatchType = 'merge', query?: Query): Promise<T> {
    return this.json<T>('PATCH', path, { body, query, contentType: patchContentTypes[patchType] });
  }

  /** DELETE of one object (answers the object or a Status) or of a collection (answers a list). */
  delete<T = KObject | Status>(path: string, options?: DeleteOptions, query?: Query): Promise<T> {
    const body = options ? { apiVersion: 'v1', kind: 'DeleteOptions', ...options } : undefined;
    return this.json<T>('DELETE', path, { body, query });
  }

  /**
   * Streams watch events to onEvent until the server ends the response (resolves), the
   * signal aborts (resolves) or the watch fails: an ERROR event rejects with
   * WatchStatusError (code 410 when the resourceVersion is too old), a broken connection
   * with NetworkError.
   */
  async watch<T extends KObject = KObject>(
    path: string,
    query: Query,
    onEvent: (ev: WatchEvent<T>) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    let res: TransportResponse;
    try {
      res = await this.send('GET', path, { query: { ...query, watch: 'true' }, signal });
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    if (res.status < 200 || res.status > 299) throw await statusError(res);
    await readWatchStream<T>(res.body, onEvent, signal);
  }

  /** Any request, answering the decoded JSON body; for paths the typed methods do not cover. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    let res: TransportResponse;
    let text: string;
    for (let attempt = 0; ; attempt++) {
      res = await this.send(method, path, opts);
      text = await readAll(res.body, method, path);
      const wait = retryAfterMs(res);
      if (res.status !== 429 || wait === undefined || attempt >= this.maxRetries || opts.signal?.aborted) break;
      await sleep(this.clock, wait, opts.signal);
    }
    if (res.status < 200 || res.status > 299) throw errorFromBody(text, res.status);
    if (text.length === 0) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new DecodeError(`${method} ${path}: response is not JSON`, { cause: err });
    }
  }

  /** Any request, answering the raw response (logs, streams). The caller consumes the body. */
  send(method: string, path: string, opts: RequestOptions = {}): Promise<TransportResponse> {
    const headers: Headers = { ...this.baseHeaders };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
    }
    return this.transport.request(method, withQuery(path, opts.query), headers, body, opts.signal);
  }

  close(): void {
    this.transport.close?.();
  }
}

/** The Retry-After header in ms (seconds form only, as the API server sends it), capped at 10 s. */
function retryAfterMs(res: TransportResponse): number | undefined {
  const h = res.headers['retry-after'];
  const v = Number(Array.isArray(h) ? h[0] : h);
  if (h === undefined || !Number.isFinite(v) || v < 0) return undefined;
  return Math.min(10, v) * 1000;
}

async function readAll(body: Readable, method: string, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  } catch (err) {
    throw new NetworkError(`${method} ${path}: response broke: ${(err as Error).message}`, { cause: err });
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function statusError(res: TransportResponse): Promise<ApiStatusError> {
  let text = '';
  try {
    text = await readAll(res.body, 'GET', 'watch');
  } catch {
    // The status code alone still tells the caller what went wrong.
  }
  return errorFromBody(text, res.status);
}

/** Builds the error from a Status body, or from the HTTP code when the body is not one. */
export function errorFromBody(text: string, httpStatus: number): ApiStatusError {
  let status: Status = {};
  try {
    const v: unknown = JSON.parse(text);
    if (isRecord(v) && v.kind === 'Status') status = v as Status;
    else status = { message: text.slice(0, 500) || undefined };
  } catch {
    status = { message: text.slice(0, 500) || undefined };
  }
  if (!status.reason) status = { ...status, reason: reasonForCode(httpStatus) };
  return new ApiStatusError(status, httpStatus);
}

function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
    406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid',
    429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}
