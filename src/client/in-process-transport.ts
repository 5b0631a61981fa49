// A transport that reaches an HTTP request handler in the same process without TLS or
// sockets: each connection is an in-memory stream pair handed to a private, never
// listening http.Server, so requests and responses go through Node's own HTTP parser
// and keep exactly HTTP's semantics (status, headers, chunked watch streams, aborts).

import http from 'node:http';
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { HttpTransport, type Headers, type Transport, type TransportResponse } from './transport.js';

export type NodeRequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** One end of an in-memory connection: what is written to one end is read from the other. */
class MemorySocket extends Duplex {
  peer?: MemorySocket;
  // The HTTP machinery asks these of sockets; an in-memory one answers harmlessly.
  remoteAddress = '127.0.0.1';
  remotePort = 0;
  localAddress = '127.0.0.1';
  localPort = 0;
  encrypted = false;
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.peer?.push(chunk);
    cb();
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.peer?.push(null);
    cb();
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const p = this.peer;
    this.peer = undefined;
    if (p && !p.destroyed) p.destroy();
    cb(err);
  }
}

function memoryPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket();
  const b = new MemorySocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** The `peer` each in-process connection was opened with, by its server-side socket. */
const peers = new WeakMap<object, object>();

/**
 * What the in-process transport that opened this (server-side) socket says its client
 * is, or undefined for any other socket: a request handler's way to know who is calling
 * without TLS. Only sockets made here are ever in the table, so no remote peer can
 * claim one.
 */
export function inProcessPeer(socket: object): object | undefined {
  return peers.get(socket);
}

export class InProcessTransport implements Transport {
  private readonly server: http.Server;
  private readonly inner: HttpTransport;

  /** `peer`: who the requests come from, for the handler to find with inProcessPeer(req.socket). */
  constructor(handler: NodeRequestHandler, opts: { peer?: object } = {}) {
    this.server = http.createServer(handler);
    const server = this.server;
    // The placeholder URL only names the Host header; nothing connects to it.
    this.inner = new HttpTransport({
      server: 'http://in-process.invalid',
      createConnection: () => {
        const [client, serverSide] = memoryPair();
        if (opts.peer) peers.set(serverSide, opts.peer);
        server.emit('connection', serverSide as unknown as Socket);
        return client as unknown as Socket;
      },
    });
  }

  request(method: string, path: string, headers: Headers, body?: string | Buffer, signal?: AbortSignal): Promise<TransportResponse> {
    return this.inner.request(method, path, headers, body, signal);
  }

  close(): void {
    this.inner.close();
    this.server.closeAllConnections();
  }
}
