// How requests reach the API server. The REST client only sees this interface, so an
// in-process transport (the API server's request handler called directly) can replace
// HTTPS without the client noticing; it must keep HTTP's semantics (status codes,
// streamed bodies, watch as a long response).

import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { NetworkError } from './errors.js';

export type Headers = Record<string, string>;

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface Transport {
  /** Sends one request; rejects only when no response arrives (NetworkError). */
  request(method: string, path: string, headers: Headers, body?: string | Buffer, signal?: AbortSignal): Promise<TransportResponse>;
  /** Releases pooled connections. */
  close?(): void;
}

export interface HttpTransportOptions {
  /** e.g. 'https://127.0.0.1:6443'; an `http:` URL is allowed (tests). A path prefix is kept. */
  server: string;
  /** PEM bundle trusted for the server certificate; Node's default roots when absent. */
  ca?: string;
  /** PEM client certificate and key for TLS client authentication. */
  cert?: string;
  key?: string;
  /** Skips server certificate verification (kubeconfig insecure-skip-tls-verify). Default false. */
  insecureSkipTLSVerify?: boolean;
  /** Overrides the TLS server name checked against the certificate. */
  tlsServerName?: string;
  /**
   * Maximum concurrent connections for ordinary requests; default 16. Watches and
   * followed logs hold a connection for minutes (HTTP/1.1 has no multiplexing), so they
   * get connections of their own beside these, without a cap. A cap on the others keeps
   * a burst (a kubelet reporting 100 new pods at once) on the connections it already
   * has instead of opening, and TLS-handshaking, one per request.
   */
  maxSockets?: number;
  /** Connect through a Unix socket instead of host:port (plain HTTP only). */
  socketPath?: string;
  /** Opens each connection itself (in-memory transports); the URL then only names the Host header. */
  createConnection?: () => Socket;
}

/** A watch or a followed log: a response that lasts as long as the client wants it. */
const LONG_LIVED = /[?&](watch=(true|1)|follow=(true|1))(&|$)/;

/**
 * HTTP(S) over keep-alive agents, so informers and controllers share connections: one
 * capped for ordinary requests, one for the long-lived ones.
 */
export class HttpTransport implements Transport {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly longLivedAgent: http.Agent;
  private readonly secure: boolean;

  constructor(private readonly opts: HttpTransportOptions) {
    this.url = new URL(opts.server);
    this.secure = this.url.protocol === 'https:';
    // One context for every connection: given only ca/cert/key, each new connection
    // would parse them into a context of its own (a burst of 500 controller requests
    // made that a noticeable share of the server's CPU).
    const secureContext = this.secure ? tls.createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key }) : undefined;
    const agent = (maxSockets: number): http.Agent => {
      const a = this.secure
        ? new https.Agent({ keepAlive: true, maxSockets, secureContext, rejectUnauthorized: !opts.insecureSkipTLSVerify, servername: opts.tlsServerName })
        : new http.Agent({ keepAlive: true, maxSockets });
      // The agent pools whatever this returns, so in-memory connections are kept alive too.
      if (opts.createConnection) (a as unknown as { createConnection: () => Socket }).createConnection = opts.createConnection;
      return a;
    };
    this.agent = agent(opts.maxSockets ?? 16);
    this.longLivedAgent = agent(Infinity);
  }

  request(method: string, path: string, headers: Headers, body?: string | Buffer, signal?: AbortSignal): Promise<TransportResponse> {
    const prefix = this.url.pathname.replace(/\/+$/, '');
    const reqHeaders: Headers = { ...headers };
    if (body !== undefined) reqHeaders['Content-Length'] = String(Buffer.byteLength(body));
    const options: https.RequestOptions = {
      method,
      host: this.url.hostname.replace(/^\[|\]$/g, ''),
      port: this.url.port || (this.secure ? 443 : 80),
      path: prefix + path,
      headers: reqHeaders,
      agent: LONG_LIVED.test(path) ? this.longLivedAgent : this.agent,
      socketPath: this.opts.socketPath,
      signal,
    };
    const mod = this.secure ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(options, (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      req.on('error', (err) => reject(new NetworkError(`${method} ${path}: ${err.message}`, { cause: err })));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.longLivedAgent.destroy();
  }
}
