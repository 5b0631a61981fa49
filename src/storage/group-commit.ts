// Group commit: writes that arrive while the event loop is busy are queued and handed
// to one synchronous commit function together, so a batch costs one transaction and one
// fsync however many writes it holds. The queue is flushed from setImmediate, which runs
// after pending I/O callbacks: requests that arrive together therefore land in the same
// batch. Each caller's promise settles only after the batch's commit returned and, when
// the commit hands back a `durable` promise (the fsync runs off the loop), after that
// settled too: batches are acknowledged in commit order either way.

/** What the commit function reports for each op, in order. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: Error };

/** A committed batch: its outcomes, and when given, the promise that it is on disk. */
export interface Committed<R> {
  outcomes: Outcome<R>[];
  durable?: Promise<void>;
}

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
    private readonly commit: (ops: Op[]) => Outcome<R>[] | Committed<R>,
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
    let committed: Committed<R>;
    try {
      const c = this.commit(batch.map((p) => p.op));
      committed = Array.isArray(c) ? { outcomes: c } : c;
    } catch (err) {
      const error = this.wrapError(err);
      for (const p of batch) p.reject(error);
      return;
    }
    const settle = (): void => {
      batch.forEach((p, i) => {
        const o = committed.outcomes[i]!;
        if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    };
    if (!committed.durable) {
      settle();
      return;
    }
    committed.durable.then(settle, (err: unknown) => {
      const error = this.wrapError(err);
      for (const p of batch) p.reject(error);
    });
  }
}
