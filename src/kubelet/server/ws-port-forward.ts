// Port forwarding over WebSocket, as client libraries (not kubectl) use it: one
// connection per requested port for the life of the WebSocket. Port number i (in the
// order of the `port` query) uses channel 2i for data and 2i+1 for errors; the first
// frame on each channel is the port as two little-endian bytes, which is how the client
// learns the channels are open.

import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { silentLogger, type Logger } from '../../client/log.js';
import { decodeFrame, encodeFrame } from './channels.js';

export const wsPortForwardProtocols = ['v4.channel.k8s.io'] as const;

function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

export async function serveWsPortForward(ws: WebSocket, ports: number[], connect: (port: number) => Promise<Duplex>, log: Logger = silentLogger): Promise<void> {
  const conns: (Duplex | undefined)[] = [];
  const done = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('message', (data: Buffer) => {
    let f;
    try { f = decodeFrame(Buffer.isBuffer(data) ? data : Buffer.from(data)); } catch { return; }
    if (f.channel % 2 !== 0) return;
    const conn = conns[f.channel / 2];
    if (conn) conn.write(f.data);
  });
  ws.once('close', () => { for (const c of conns) c?.destroy(); });
  await Promise.all(ports.map(async (port, i) => {
    ws.send(encodeFrame(2 * i, portBytes(port)));
    ws.send(encodeFrame(2 * i + 1, portBytes(port)));
    let conn: Duplex;
    try {
      conn = await connect(port);
    } catch (err) {
      ws.send(encodeFrame(2 * i + 1, `error forwarding port ${port}: ${(err as Error).message}`));
      return;
    }
    conns[i] = conn;
    conn.on('data', (d: Buffer) => ws.send(encodeFrame(2 * i, d)));
    conn.on('error', (err) => log.warn(`port-forward ${port}: ${err.message}`));
    conn.once('close', () => {
      conns[i] = undefined;
      if (conns.every((c) => c === undefined)) ws.close(1000);
    });
  }));
  await done;
}
