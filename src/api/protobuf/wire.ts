// The protobuf wire format itself, knowing nothing of Kubernetes: varints, tags and
// length-delimited fields, read from and written to plain byte arrays.
import { ProtobufDecodeError } from './errors.js';

export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;
export type WireTypeNumber = 0 | 1 | 2 | 5;

export interface RawField {
  num: number;
  wireType: WireTypeNumber;
  /**
   * varint: the unsigned 64-bit value, a number when below 2^49 (the common case, kept
   * off BigInt for speed), else a bigint; fixed64/fixed32/bytes: the bytes.
   */
  value: number | bigint | Uint8Array;
}

/** Reads one message's fields in order. `where` names the message in errors. */
export class WireReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array, private readonly where = 'message') {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  readVarint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new ProtobufDecodeError('truncated', `${this.where}: truncated varint`);
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new ProtobufDecodeError('malformed', `${this.where}: varint longer than 10 bytes`);
  }

  /** A varint as a number when it has at most 7 bytes (< 2^49), else as a bigint. */
  readVarintValue(): number | bigint {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      const at = this.pos + i;
      if (at >= this.buf.length) break;
      const b = this.buf[at];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        this.pos = at + 1;
        return result;
      }
      mul *= 128;
    }
    return this.readVarint();
  }

  /** A varint that must fit a JavaScript number (lengths, tags). */
  readSmallVarint(): number {
    const v = this.readVarintValue();
    if (typeof v === 'bigint') throw new ProtobufDecodeError('malformed', `${this.where}: length or tag too large`);
    return v;
  }

  readFixed(n: 4 | 8): Uint8Array {
    return this.take(n);
  }

  readLengthDelimited(): Uint8Array {
    return this.take(this.readSmallVarint());
  }

  readField(): RawField {
    const tag = this.readSmallVarint();
    const num = Math.floor(tag / 8);
    const wt = tag % 8;
    if (num === 0) throw new ProtobufDecodeError('malformed', `${this.where}: field number 0`);
    switch (wt) {
      case WireType.varint: return { num, wireType: 0, value: this.readVarintValue() };
      case WireType.fixed64: return { num, wireType: 1, value: this.readFixed(8) };
      case WireType.bytes: return { num, wireType: 2, value: this.readLengthDelimited() };
      case WireType.fixed32: return { num, wireType: 5, value: this.readFixed(4) };
      default: throw new ProtobufDecodeError('wire-type', `${this.where}: field ${num} has unsupported wire type ${wt}`);
    }
  }

  /** Every field of the message, grouped by number, in the order they appear. */
  readAll(): Map<number, RawField[]> {
    const out = new Map<number, RawField[]>();
    while (!this.done) {
      const f = this.readField();
      const list = out.get(f.num);
      if (list) list.push(f); else out.set(f.num, [f]);
    }
    return out;
  }

  private take(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) {
      throw new ProtobufDecodeError('truncated', `${this.where}: needs ${n} bytes at offset ${this.pos}, has ${this.buf.length - this.pos}`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Appends fields to a growing buffer; nested messages are written separately and added as bytes. */
export class WireWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  varint(num: number, value: bigint | number | boolean): this {
    this.tag(num, WireType.varint);
    this.rawVarint(typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  bytes(num: number, value: Uint8Array): this {
    this.tag(num, WireType.bytes);
    this.rawVarint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(num: number, value: string): this {
    return this.bytes(num, Buffer.from(value, 'utf8'));
  }

  double(num: number, value: number): this {
    this.tag(num, WireType.fixed64);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.push(b);
    return this;
  }

  float(num: number, value: number): this {
    this.tag(num, WireType.fixed32);
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks, this.length);
  }

  private tag(num: number, wt: number): void {
    this.rawVarint(BigInt(num) * 8n + BigInt(wt));
  }

  private rawVarint(v: bigint): void {
    const out: number[] = [];
    let x = v;
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    this.push(Uint8Array.from(out));
  }

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
}
