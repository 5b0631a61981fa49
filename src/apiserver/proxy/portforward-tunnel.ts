// kubectl 1.30+ forwards ports over a WebSocket whose binary messages carry a SPDY
// connection (subprotocol `SPDY/3.1+portforward.k8s.io`). The API server takes the
// WebSocket off, opens a plain SPDY port-forward upgrade to the node, and copies bytes
// between the two: the node only ever sees SPDY.

import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { errors } from '../errors.js';
import { nodeErrorToApiError } from './node-errors.js';

export const tunnelledPortForwardProtocol = 'SPDY/3.1+portforward.k8s.io';

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has(tunnelledPortForwardProtocol) ? tunnelledPortForwardProtocol : false) });

export function wantsTunnelledPortForward(req: IncomingMessage): boolean {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return false;
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).includes(tunnelledPortForwardProtocol);
}

/** Opens SPDY port-forward to the node over `stream`; resolves with the upgraded socket. */
function upgradeNode(stream: Duplex, path: string, nodeName: string): Promise<{ socket: Duplex; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request({
      method: 'POST',
      path,
      headers: { host: nodeName, connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'portforward.k8s.io' },
      createConnection: (() => stream) as unknown as undefined,
    });
    out.on('error', (err) => reject(errors.internal(`proxying to node ${nodeName}: ${err.message}`, err)));
    out.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { stream.destroy(); reject(nodeErrorToApiError(res.statusCode ?? 500, Buffer.concat(chunks).toString())); });
    });
    out.on('upgrade', (_res, socket: Duplex, head: Buffer) => resolve({ socket, head }));
    out.end();
  });
}

export async function tunnelPortForward(req: IncomingMessage, client: Duplex, head: Buffer, stream: Duplex, path: string, nodeName: string): Promise<void> {
  const node = await upgradeNode(stream, path, nodeName);
  await new Promise<void>((resolve) => {
    wss.handleUpgrade(req, client as import('node:net').Socket, head, (ws: WebSocket) => {
      const done = () => { ws.terminate(); node.socket.destroy(); resolve(); };
      if (node.head.length > 0) ws.send(node.head, { binary: true });
      node.socket.on('data', (d: Buffer) => {
        // Back-pressure: stop reading from the node while the WebSocket is backed up.
        node.socket.pause();
        ws.send(d, { binary: true }, () => node.socket.resume());
      });
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
        node.socket.write(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
      });
      node.socket.on('end', () => ws.close(1000));
      node.socket.on('close', done);
      node.socket.on('error', done);
      ws.on('close', () => { node.socket.end(); setTimeout(done, 1000).unref(); });
      ws.on('error', done);
    });
  });
}
