// Port forwarding over SPDY (`portforward.k8s.io`): for every local connection the
// client opens a pair of streams, `error` then `data`, carrying the same `port` and
// `requestid` headers. The node connects to that port of the pod and copies bytes both
// ways; a failure to connect is reported as text on the error stream.

import type { Duplex } from 'node:stream';
import { silentLogger, type Logger } from '../../../client/log.js';
import type { SpdySession, SpdyStream } from './session.js';

export const portForwardProtocol = 'portforward.k8s.io';

/** How the node reaches a pod's port (in its network namespace, or at its IP). Implemented by the kubelet core. */
export interface PortForwarder {
  connect(namespace: string, pod: string, port: number): Promise<Duplex>;
}

interface Pair { error?: SpdyStream; data?: SpdyStream }

export function servePortForward(session: SpdySession, connect: (port: number) => Promise<Duplex>, log: Logger = silentLogger): Promise<void> {
  const pairs = new Map<string, Pair>();
  const run = async (port: number, error: SpdyStream, data: SpdyStream) => {
    let conn: Duplex;
    try {
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${port}`);
      conn = await connect(port);
    } catch (err) {
      error.end(`error forwarding port ${port}: ${(err as Error).message}`);
      data.end();
      return;
    }
    conn.on('error', (err) => { log.warn(`port-forward ${port}: ${err.message}`); data.end(); });
    data.on('error', () => conn.destroy());
    // A stream torn down with its session (client gone) ends nothing through pipe(): close the pod side too.
    data.once('close', () => { if (!conn.destroyed) conn.destroy(); });
    // Both halves close independently: the client's FIN ends our write side to the pod and vice versa.
    data.pipe(conn);
    conn.pipe(data);
    conn.once('close', () => { data.end(); error.end(); });
  };
  session.on('stream', (s) => {
    const type = s.headers.streamtype;
    if (type !== 'error' && type !== 'data') { s.destroy(); return; }
    const key = s.headers.requestid ?? String(type === 'error' ? s.id : s.id - 2);
    const pair = pairs.get(key) ?? {};
    pair[type] = s;
    pairs.set(key, pair);
    if (pair.error && pair.data) {
      pairs.delete(key);
      // The error stream is only ever written by us; drain whatever the client sends on it.
      pair.error.resume();
      void run(Number(s.headers.port), pair.error, pair.data);
    }
  });
  return new Promise((resolve) => session.once('close', () => resolve()));
}
