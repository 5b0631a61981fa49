// The server side of a SPDY/3.1 connection as Kubernetes' clients use it: the client
// opens streams (SYN_STREAM with headers such as `streamtype`), the server accepts each
// with a SYN_REPLY, and both sides exchange data frames until each half-closes with
// FIN. Pings are echoed. Flow control is not enforced in either direction: the Go
// client (spdystream) neither waits for nor sends window updates in practice.

import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { FlagFin, FrameType, HeaderCodec, SpdyProtocolError, controlFrame, dataFrame, parseFrames, type Frame, type SpdyHeaders } from './frames.js';

export class SpdyStream extends Duplex {
  constructor(readonly id: number, readonly headers: SpdyHeaders, private readonly session: SpdySession) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.session.send(dataFrame(this.id, 0, chunk)).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.session.send(dataFrame(this.id, FlagFin, Buffer.alloc(0))).then(() => cb(), cb);
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private readonly codec = new HeaderCodec();
  private readonly streams = new Map<number, SpdyStream>();
  private pending = Buffer.alloc(0);
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      let parsed;
      try {
        parsed = parseFrames(this.pending);
      } catch {
        this.destroy();
        return;
      }
      this.pending = Buffer.from(parsed.rest);
      for (const f of parsed.frames) this.inbound = this.inbound.then(() => this.onFrame(f)).catch(() => this.destroy());
    });
    // Sockets of an upgraded request are half-open capable: the client's FIN alone
    // closes nothing, so answer it with ours, or the connection lingers forever.
    socket.on('end', () => { socket.end(); this.shutdown(); });
    socket.on('close', () => this.destroy());
    socket.on('error', () => this.destroy());
  }

  /** Writes frames in order; header blocks are compressed inside this queue so their zlib order matches the wire. */
  send(frame: Buffer | (() => Promise<Buffer>)): Promise<void> {
    const next = this.outbound.then(async () => {
      if (this.closed) throw new SpdyProtocolError('session closed');
      const bytes = typeof frame === 'function' ? await frame() : frame;
      if (!this.socket.write(bytes)) await new Promise<void>((r) => { this.socket.once('drain', r); this.socket.once('close', r); });
    });
    this.outbound = next.catch(() => undefined);
    return next;
  }

  /** Says goodbye and closes the connection once everything queued is written. */
  async close(): Promise<void> {
    if (this.closed) return;
    const p = Buffer.alloc(8);
    p.writeUInt32BE(this.lastStreamId, 0);
    await this.send(controlFrame(FrameType.GoAway, 0, p)).catch(() => undefined);
    // end(), not destroy(): what is still buffered (the exit status) must reach the client.
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 10_000);
    t.unref();
    this.shutdown();
  }

  destroy(): void {
    if (this.closed) return;
    this.shutdown();
    this.socket.destroy();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    this.codec.close();
    this.emit('close');
  }

  private async onFrame(f: Frame): Promise<void> {
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      if (f.payload.length > 0) s.push(Buffer.from(f.payload));
      if (f.flags & FlagFin) s.push(null);
      return;
    }
    const p = f.payload;
    switch (f.type) {
      case FrameType.SynStream: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        const headers = await this.codec.decode(p.subarray(10));
        this.lastStreamId = Math.max(this.lastStreamId, id);
        const s = new SpdyStream(id, headers, this);
        this.streams.set(id, s);
        s.once('close', () => this.streams.delete(id));
        const reply = () => this.codec.encode({}).then((block) => {
          const idb = Buffer.alloc(4);
          idb.writeUInt32BE(id);
          return controlFrame(FrameType.SynReply, 0, Buffer.concat([idb, block]));
        });
        await this.send(reply);
        if (f.flags & FlagFin) s.push(null);
        this.emit('stream', s);
        return;
      }
      case FrameType.Headers:
        // Nothing to act on, but the block must be inflated to keep the zlib context in step.
        await this.codec.decode(p.subarray(4));
        return;
      case FrameType.RstStream: {
        const s = this.streams.get(p.readUInt32BE(0) & 0x7fffffff);
        s?.destroy();
        return;
      }
      case FrameType.Ping:
        await this.send(controlFrame(FrameType.Ping, 0, Buffer.from(p)));
        return;
      case FrameType.GoAway:
        this.destroy();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, SYN_REPLY: nothing a server of client-opened streams needs.
        return;
    }
  }
}
