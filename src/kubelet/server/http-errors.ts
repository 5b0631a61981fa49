// Plain-text errors, as the kubelet answers them (the API server wraps them in a Status).

import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export class HttpError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendText(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

/** Answers an upgrade request that will not be upgraded, on its raw socket, and closes it. */
export function rejectUpgrade(socket: Duplex, err: HttpError): void {
  if (!socket.writable) { socket.destroy(); return; }
  const body = err.message;
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' + body,
  );
}
