// A small client for etcd v3's HTTP/JSON gateway (/v3/kv/*, /v3/watch): JSON over
// keep-alive HTTP/1.1, keys and values base64, 64-bit numbers as decimal strings, fields
// at their default value left out (an absent "value" is the empty string). Written here
// rather than pulling in a gRPC stack: the gateway is part of every etcd server.

import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { StorageError, type KeyValue } from './store.js';

/** A key-value as the gateway sends it. */
export interface RawKv {
  key?: string;
  value?: string;
  create_revision?: string;
  mod_revision?: string;
}

export interface RawHeader { revision?: string }

/** etcd answered with an error (its gRPC status code and message). */
export class EtcdRequestError extends StorageError {
  override readonly code = 'ETCD_REQUEST';
  constructor(readonly grpcCode: number, message: string, readonly httpStatus: number) {
    super(`etcd: ${message}`);
  }
  get compacted(): boolean { return this.message.includes('required revision has been compacted'); }
  get futureRevision(): boolean { return this.message.includes('required revision is a future revision'); }
}

/** etcd could not be reached, or sent something that is not JSON. */
export class EtcdUnavailableError extends StorageError {
  override readonly code = 'ETCD_UNAVAILABLE';
}

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const unb64 = (s: string | undefined): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');
export const num = (s: string | undefined): number => (s ? Number(s) : 0);

export function toKv(raw: RawKv, stripPrefix: number): KeyValue {
  return {
    key: unb64(raw.key).slice(stripPrefix),
    value: unb64(raw.value),
    createRevision: num(raw.create_revision),
    modRevision: num(raw.mod_revision),
  };
}

export interface WatchStream { cancel(): void }

export class EtcdHttpClient {
  private readonly base: URL;
  private readonly agent: Agent;

  constructor(endpoint: string, maxSockets: number) {
    this.base = new URL(endpoint);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** POSTs body to /v3/<path> and returns the parsed answer. */
  post<T>(path: string, body: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const req = this.open(path, body, true, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { text += d; });
        res.on('error', (err) => reject(new EtcdUnavailableError('etcd response failed', { cause: err })));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(text) as { code?: number; message?: string; error?: string };
            if (res.statusCode !== 200) {
              reject(new EtcdRequestError(parsed.code ?? -1, parsed.message ?? parsed.error ?? text, res.statusCode ?? 0));
            } else resolve(parsed as T);
          } catch (err) {
            reject(new EtcdUnavailableError(`etcd sent no JSON (HTTP ${res.statusCode})`, { cause: err }));
          }
        });
      });
      req.on('error', (err) => reject(new EtcdUnavailableError('etcd unreachable', { cause: err })));
    });
  }

  /**
   * POSTs body to a streaming endpoint and calls onMessage with each JSON object it sends
   * (the gateway writes one per line); onEnd once when the stream ends or fails.
   */
  stream(path: string, body: unknown, onMessage: (msg: unknown) => void, onEnd: (err: Error) => void): WatchStream {
    let ended = false;
    const end = (err: Error): void => { if (!ended) { ended = true; onEnd(err); } };
    // A connection of its own: a stream held open must not take a pooled request socket.
    const req = this.open(path, body, false, (res) => {
      if (res.statusCode !== 200) {
        end(new EtcdRequestError(-1, `stream answered HTTP ${res.statusCode}`, res.statusCode ?? 0));
        res.resume();
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          try {
            onMessage(JSON.parse(line));
          } catch (err) {
            end(new EtcdUnavailableError('etcd watch sent no JSON', { cause: err }));
            req.destroy();
            return;
          }
        }
      });
      res.on('end', () => end(new EtcdUnavailableError('etcd closed the watch stream')));
      res.on('error', (err) => end(new EtcdUnavailableError('etcd watch stream failed', { cause: err })));
    });
    req.on('error', (err) => end(new EtcdUnavailableError('etcd unreachable', { cause: err })));
    return { cancel: () => { ended = true; req.destroy(); } };
  }

  close(): void {
    this.agent.destroy();
  }

  private open(path: string, body: unknown, pooled: boolean, onResponse: (res: IncomingMessage) => void): ClientRequest {
    const data = JSON.stringify(body);
    const req = request({
      host: this.base.hostname, port: this.base.port, path: `/v3/${path}`, method: 'POST', agent: pooled ? this.agent : false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
    }, onResponse);
    req.end(data);
    return req;
  }
}
