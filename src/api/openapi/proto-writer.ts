// A minimal protocol buffers encoder: enough to write messages of strings, bools,
// doubles, integers and nested messages. Fields are appended in call order; a nested
// message is encoded first and then written length-delimited.

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  private varint(n: number): void {
    const out: number[] = [];
    let v = n;
    while (v > 0x7f) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wireType: 0 | 1 | 2): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, s: string | undefined): this {
    if (s === undefined || s === '') return this;
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  strings(field: number, list: readonly string[] | undefined): this {
    for (const s of list ?? []) this.bytes(field, Buffer.from(s, 'utf8'));
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.push(b);
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
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.push(b);
    return this;
  }

  /** A nested message, written even when empty (presence matters for oneofs). */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
