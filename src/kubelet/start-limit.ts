// How many pods the kubelet brings up at once. Starting a pod is a chain of short
// processes (namespaces, CNI plugins, mounts, conmon and the OCI runtime) on a node with
// few cores; a hundred pods started all at once interleave every step, so each waits for
// all the others and the first is running no sooner than the last. With a few at a time
// pods come up in turn: the same total, but most pods started well before it. Pods
// already running (resyncs, restarts) never wait here.

export class StartLimit {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  /** `size` pods at once; 0 or less means no limit. */
  constructor(readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.size > 0 && this.active >= this.size) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }

  /** Pods waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }
}
