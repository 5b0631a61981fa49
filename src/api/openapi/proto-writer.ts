// A minimal protocol buffers encoder: enough to write messages of strings, bools,
// doubles, integers and nested messages. Everything goes into one growing buffer; a
// nested message reserves room for its length, is written in place, and is shifted
// left once its length is known, so a deep document costs no per-field allocations.

const MAX_LEN_VARINT = 5;
const utf8 = new TextEncoder();

export class ProtoWriter {
  private buf = new Uint8Array(1 << 16);
  private at = 0;

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }

  private varint(n: number): void {
    this.ensure(10);
    let v = n;
    while (v > 0x7f) {
      this.buf[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.at++] = v;
  }

  private key(field: number, wireType: 0 | 1 | 2): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, s: string | undefined): this {
    if (s === undefined || s === '') return this;
    this.key(field, 2);
    // Reserve the worst case (3 bytes per UTF-16 unit), then write the length.
    const max = s.length * 3;
    this.ensure(max + MAX_LEN_VARINT);
    const lenAt = this.at;
    this.at += MAX_LEN_VARINT;
    const { written } = utf8.encodeInto(s, this.buf.subarray(this.at, this.at + max));
    this.at += written;
    this.closeLength(lenAt, written);
    return this;
  }

  strings(field: number, list: readonly string[] | undefined): this {
    for (const s of list ?? []) {
      if (s === '') {
        this.key(field, 2);
        this.varint(0);
      } else this.string(field, s);
    }
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }

  bool(field: number, v: boolean | undefined): this {
    if (!v) return this;
    this.key(field, 0);
    this.varint(1);
    return this;
  }

  /** A bool that is written even when false: a member of a oneof, where presence is the value. */
  oneofBool(field: number, v: boolean): this {
    this.key(field, 0);
    this.varint(v ? 1 : 0);
    return this;
  }

  /** Non-negative integers only (all this encoder needs). */
  uint(field: number, v: number | undefined): this {
    if (v === undefined || v === 0) return this;
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  double(field: number, v: number | undefined): this {
    if (v === undefined || v === 0) return this;
    this.key(field, 1);
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.at, v, true);
    this.at += 8;
    return this;
  }

  /** A nested message, written even when empty (presence matters for oneofs). */
  message(field: number, write: (w: ProtoWriter) => void): this {
    this.key(field, 2);
    this.ensure(MAX_LEN_VARINT);
    const lenAt = this.at;
    this.at += MAX_LEN_VARINT;
    const start = this.at;
    write(this);
    this.closeLength(lenAt, this.at - start);
    return this;
  }

  /** Writes `len` as a varint at `lenAt` and moves the body that follows the reserved room up to it. */
  private closeLength(lenAt: number, len: number): void {
    let p = lenAt;
    let v = len;
    while (v > 0x7f) {
      this.buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[p++] = v;
    const bodyAt = lenAt + MAX_LEN_VARINT;
    if (p < bodyAt) {
      this.buf.copyWithin(p, bodyAt, bodyAt + len);
      this.at -= bodyAt - p;
    }
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}
