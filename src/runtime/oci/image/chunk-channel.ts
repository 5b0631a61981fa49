// A bounded async queue of byte chunks from one producer (a blob download) to one
// consumer (the layer unpacker reading while the download runs). The producer waits
// when more than `highWater` bytes are queued; a consumer that gives up abandons the
// channel, after which pushes are dropped so the download never stalls on it.
export class ChannelAbandonedError extends Error {
  readonly code = 'ERR_CHANNEL_ABANDONED';
  constructor() {
    super('the byte stream was abandoned');
    this.name = 'ChannelAbandonedError';
  }
}

export class ChunkChannel implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private error: unknown;
  private abandoned = false;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly highWater = 8 * 1024 * 1024) {}

  async push(chunk: Buffer): Promise<void> {
    if (this.abandoned || this.ended) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.wake();
    while (this.queued > this.highWater && !this.abandoned) await new Promise<void>((r) => (this.wakeProducer = r));
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(e: unknown): void {
    this.error = e ?? new Error('producer failed');
    this.ended = true;
    this.wake();
  }

  /** Either side may give up: the producer stops blocking, the consumer gets an error. */
  abandon(): void {
    this.abandoned = true;
    this.queue.length = 0;
    this.queued = 0;
    this.error ??= new ChannelAbandonedError();
    this.wakeProducer?.();
    this.wake();
  }

  private wake(): void {
    const c = this.wakeConsumer;
    this.wakeConsumer = undefined;
    c?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        // Hand over everything queued at once (up to 1 MiB): fewer, larger chunks make
        // the unpacker's gunzip and file writes cheaper than socket-sized pieces.
        let c = this.queue.shift();
        if (c && this.queue.length > 0 && c.length < 1024 * 1024) {
          const parts = [c];
          let n = c.length;
          while (this.queue.length > 0 && n + this.queue[0]!.length <= 1024 * 1024) {
            const next = this.queue.shift()!;
            parts.push(next);
            n += next.length;
          }
          c = Buffer.concat(parts, n);
        }
        if (c) {
          this.queued -= c.length;
          if (this.queued <= this.highWater) {
            const p = this.wakeProducer;
            this.wakeProducer = undefined;
            p?.();
          }
          yield c;
          continue;
        }
        if (this.error !== undefined) throw this.error;
        if (this.ended) return;
        await new Promise<void>((r) => (this.wakeConsumer = r));
      }
    } finally {
      // However the consumer stops, the producer must not wait on it any more.
      if (!this.ended && !this.abandoned) this.abandon();
    }
  }
}
