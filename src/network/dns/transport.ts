// Sending one DNS message and reading its reply, over UDP or over TCP with the 2-byte
// length prefix (RFC 1035 section 4.2.2). The forwarder uses these towards upstream
// resolvers, and tests use them as the client.

import dgram from 'node:dgram';
import net from 'node:net';

export class DnsTimeoutError extends Error {
  override name = 'DnsTimeoutError';
}

export interface Endpoint {
  address: string;
  port: number;
}

/** `1.2.3.4`, `1.2.3.4:53`, `::1`, `[::1]:53` -> an endpoint (port 53 by default). */
export function parseEndpoint(text: string): Endpoint {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) return { address: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : 53 };
  const v4 = /^([\d.]+):(\d+)$/.exec(text);
  if (v4) return { address: v4[1]!, port: Number(v4[2]) };
  return { address: text, port: 53 };
}

export function queryUdp(to: Endpoint, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(to.address) ? 'udp6' : 'udp4');
    const id = msg.readUInt16BE(0);
    const done = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new DnsTimeoutError(`no answer from ${to.address}:${to.port} in ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => done(e));
    sock.on('message', (reply, rinfo) => {
      // Ignore strays: the reply must come from the server asked and carry our id.
      if (reply.length < 12 || reply.readUInt16BE(0) !== id || rinfo.port !== to.port) return;
      done(undefined, reply);
    });
    sock.send(msg, to.port, to.address, (e) => e && done(e));
  });
}

export function queryTcp(to: Endpoint, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(to.port, to.address);
    let buf = Buffer.alloc(0);
    let settled = false;
    const done = (err: Error | undefined, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new DnsTimeoutError(`no answer over TCP from ${to.address}:${to.port} in ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => done(e));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      sock.write(Buffer.concat([len, msg]));
    });
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('end', () => done(new Error(`connection to ${to.address}:${to.port} closed before a full answer`)));
  });
}

/**
 * Splits a TCP byte stream into length-prefixed messages: feed it chunks, it calls
 * onMessage for each complete message (a stream may carry several queries).
 */
export class TcpFramer {
  private buf = Buffer.alloc(0);
  constructor(private readonly onMessage: (msg: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) return;
      const msg = this.buf.subarray(2, 2 + len);
      this.buf = this.buf.subarray(2 + len);
      this.onMessage(Buffer.from(msg));
    }
  }
}

export function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length);
  return Buffer.concat([len, msg]);
}
