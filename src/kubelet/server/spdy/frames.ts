// SPDY/3.1 framing, as much of it as Kubernetes' streams use: control frames
// (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE)
// and data frames. Header blocks are zlib-compressed with one context per direction
// for the whole connection, so they are compressed and decompressed strictly in order.

import zlib from 'node:zlib';
import { spdyDictionary } from './dictionary.js';

export const FrameType = { SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9 } as const;
export const FlagFin = 0x01;

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** Splits complete frames off the front of `buf`; answers them and the unconsumed rest. */
export function parseFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const len = buf.readUIntBE(off + 5, 3);
    if (buf.length - off < 8 + len) break;
    const flags = buf[off + 4];
    const payload = buf.subarray(off + 8, off + 8 + len);
    if (buf[off] & 0x80) {
      const version = buf.readUInt16BE(off) & 0x7fff;
      if (version !== 3) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
      frames.push({ control: true, type: buf.readUInt16BE(off + 2), flags, payload });
    } else {
      frames.push({ control: false, streamId: buf.readUInt32BE(off) & 0x7fffffff, flags, payload });
    }
    off += 8 + len;
  }
  return { frames, rest: buf.subarray(off) };
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | 3, 0);
  h.writeUInt16BE(type, 2);
  h[4] = flags;
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h[4] = flags;
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

export type SpdyHeaders = Record<string, string>;

export function encodeHeaderBlock(h: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const entries = Object.entries(h);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const kb = Buffer.from(k.toLowerCase());
    const vb = Buffer.from(v);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return Buffer.concat(parts);
}

/** Names lower-cased; several values (NUL-separated) joined with ", ". */
export function decodeHeaderBlock(b: Buffer): SpdyHeaders {
  const out: SpdyHeaders = {};
  if (b.length < 4) throw new SpdyProtocolError('short header block');
  const n = b.readUInt32BE(0);
  let off = 4;
  for (let i = 0; i < n; i++) {
    if (off + 4 > b.length) throw new SpdyProtocolError('truncated header block');
    const kl = b.readUInt32BE(off); off += 4;
    const k = b.subarray(off, off + kl).toString().toLowerCase(); off += kl;
    if (off + 4 > b.length) throw new SpdyProtocolError('truncated header block');
    const vl = b.readUInt32BE(off); off += 4;
    const v = b.subarray(off, off + vl).toString(); off += vl;
    if (off > b.length) throw new SpdyProtocolError('truncated header block');
    out[k] = v.split('\0').join(', ');
  }
  return out;
}

/** One zlib context (inflate or deflate) used block by block with sync flushes. */
class ZContext {
  private readonly out: Buffer[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly z: zlib.Inflate | zlib.Deflate) {
    z.on('data', (c: Buffer) => this.out.push(c));
    z.on('error', () => { /* reported through run() */ });
  }
  run(input: Buffer): Promise<Buffer> {
    const next = this.queue.then(() => new Promise<Buffer>((resolve, reject) => {
      const onError = (err: Error) => reject(new SpdyProtocolError(`header block: ${err.message}`));
      this.z.once('error', onError);
      this.z.write(input);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.z.off('error', onError);
        resolve(Buffer.concat(this.out.splice(0)));
      });
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }
  close(): void {
    this.z.close();
  }
}

export class HeaderCodec {
  private readonly inflater = new ZContext(zlib.createInflate({ dictionary: spdyDictionary }));
  private readonly deflater = new ZContext(zlib.createDeflate({ dictionary: spdyDictionary }));

  async decode(compressed: Buffer): Promise<SpdyHeaders> {
    return decodeHeaderBlock(await this.inflater.run(compressed));
  }

  encode(h: SpdyHeaders): Promise<Buffer> {
    return this.deflater.run(encodeHeaderBlock(h));
  }

  close(): void {
    this.inflater.close();
    this.deflater.close();
  }
}
