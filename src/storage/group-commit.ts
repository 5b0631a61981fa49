// Group commit: writes that arrive while the event loop is busy are queued and handed
// to one synchronous commit function together, so a batch costs one transaction and one
// fsync however many writes it holds. The queue is flushed from setImmediate, which runs
// after pending I/O callbacks: requests that arrive together therefore land in the same
// batch. Each caller's promise settles only after the batch's commit returned.

/** What the commit function reports for each op, in order. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: Error };

interface Pending<Op, R> {
  op: Op;
  resolve: (value: R) => void;
  reject: (err: Error) => void;
}

export class GroupCommit<Op, R> {
  private queue: Pending<Op, R>[] = [];
  private scheduled = false;

  /**
   * @param commit applies ops in order inside one transaction and returns one outcome per
   *   op; a thrown error (the transaction failed as a whole) rejects every op of the batch.
   * @param maxBatch ops per transaction at most, so one batch never stalls the loop for long.
   */
  constructor(
    private readonly commit: (ops: Op[]) => Outcome<R>[],
    private readonly maxBatch: number,
    private readonly wrapError: (err: unknown) => Error,
  ) {}

  get pending(): number { return this.queue.length; }

  submit(op: Op): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Commits everything queued now (used on close so accepted writes are not dropped). */
  flush(): void {
    while (this.queue.length > 0) this.commitOne();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commitOne();
      // What is left (beyond maxBatch) waits for the next turn, letting I/O in between.
      if (this.queue.length > 0) this.schedule();
    });
  }

  private commitOne(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    let outcomes: Outcome<R>[];
    try {
      outcomes = this.commit(batch.map((p) => p.op));
    } catch (err) {
      const error = this.wrapError(err);
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
