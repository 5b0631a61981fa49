// Pulls exact byte counts out of a stream of chunks without copying more than needed:
// the tar reader asks for 512-byte headers and then streams bodies chunk by chunk.
import { InvalidArchiveError } from './errors.js';

export class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;
  private done = false;
  private readonly it: AsyncIterator<Buffer | Uint8Array | string>;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private get available(): number {
    return this.buf.length - this.off;
  }

  /** Fetch one more chunk; false at end of stream. */
  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    this.buf = this.available === 0 ? chunk : Buffer.concat([this.buf.subarray(this.off), chunk]);
    this.off = 0;
    return true;
  }

  /** Exactly n bytes, or null if the stream ended before any byte; throws if it ended midway. */
  async read(n: number): Promise<Buffer | null> {
    while (this.available < n) {
      if (!(await this.fill())) {
        if (this.available === 0) return null;
        throw new InvalidArchiveError(`unexpected end of data (wanted ${n} bytes, have ${this.available})`);
      }
    }
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }

  /** Stream exactly n bytes as chunks; throws if the stream ends early. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.available === 0 && !(await this.fill())) throw new InvalidArchiveError(`unexpected end of data (${left} bytes of an entry missing)`);
      const take = Math.min(left, this.available);
      const out = this.buf.subarray(this.off, this.off + take);
      this.off += take;
      left -= take;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.chunks(n)) { /* discard */ }
  }

  /** Read whatever is left and report whether it was all zeros (trailing tar padding). */
  async drainIsZero(): Promise<boolean> {
    let zero = true;
    for (;;) {
      for (let i = this.off; i < this.buf.length; i++) if (this.buf[i] !== 0) zero = false;
      this.off = this.buf.length;
      if (!(await this.fill())) return zero;
    }
  }

  /** Let the source clean up (closes the file or socket behind it). */
  async close(): Promise<void> {
    if (!this.done && this.it.return) await this.it.return();
    this.done = true;
  }
}
