// The plumbing the runtime's small long-lived helpers share (the mount helper, the
// sandbox and user-namespace helpers): a perl process that answers each request line
// with one line, in order: "ok" or "err <errno> <text>". It starts on the first call and
// again after it exits; when it cannot run at all (no perl, an architecture without
// syscall numbers) it is broken for good and callers fall back to the commands it
// replaces. It holds Node's event loop only while a reply is awaited, and exits when our
// end of its stdin closes, so it never outlives us.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The helper answered that a step failed: errno and its text. Nothing is undone by it. */
export class HelperCallError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
    this.name = 'HelperCallError';
  }
}

/** No helper can answer (no perl, unknown architecture, or it exited first): the caller uses the commands. */
export class HelperUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelperUnavailableError';
  }
}

export interface HelperProcessOptions {
  /** In messages: "mount helper". */
  name: string;
  /** perl's arguments, or why the helper cannot run here. */
  argv(): string[] | { unavailable: string };
  /** The error of an "err" reply; default HelperCallError. */
  callError?(errno: number, message: string): Error;
  /** The error when no helper can answer; default HelperUnavailableError. */
  unavailable?(message: string): Error;
}

interface Pending { resolve(): void; reject(e: Error): void; what: string }
interface Running { child: ChildProcess; pending: Pending[] }

export class HelperProcess {
  private current: Running | null = null;
  private broken: string | null = null;

  private readonly callError: (errno: number, message: string) => Error;
  private readonly unavailable: (message: string) => Error;

  constructor(private readonly o: HelperProcessOptions) {
    this.callError = o.callError ?? ((errno, message) => new HelperCallError(errno, message));
    this.unavailable = o.unavailable ?? ((message) => new HelperUnavailableError(message));
  }

  /** Sends one request line; `what` names the operation in errors. */
  call(line: string, what: string): Promise<void> {
    const h = this.current ?? this.start();
    if (!h) return Promise.reject(this.unavailable(this.broken ?? `${this.o.name} unavailable`));
    return new Promise<void>((resolve, reject) => {
      if (h.pending.length === 0) holdWhileAwaited(h.child, true);
      h.pending.push({ resolve, reject, what });
      h.child.stdin!.write(line + '\n');
    });
  }

  /** Ends the helper once its pending calls are answered; the next call starts another. */
  close(): void {
    this.current?.child.stdin?.end();
    this.current = null;
  }

  private start(): Running | null {
    if (this.broken) return null;
    const argv = this.o.argv();
    if (!Array.isArray(argv)) { this.broken = argv.unavailable; return null; }
    const child = spawn('perl', argv, { stdio: ['pipe', 'pipe', 'ignore'] });
    const h: Running = { child, pending: [] };
    this.current = h;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const p = h.pending.shift();
      if (!p) return;
      if (h.pending.length === 0) holdWhileAwaited(child, false);
      if (l === 'ok') return p.resolve();
      const m = /^err (\d+) (.*)$/.exec(l);
      p.reject(this.callError(Number(m?.[1] ?? 0), `${p.what}: ${m?.[2] ?? l}`));
    });
    const fail = (why: string, permanent: boolean) => {
      if (this.current === h) this.current = null;
      if (permanent) this.broken = why;
      // Either way the callers fall back to the commands for these calls; a helper that
      // merely exited is started again on the next one.
      for (const p of h.pending.splice(0)) p.reject(this.unavailable(`${p.what}: ${why}`));
    };
    child.on('error', (e) => fail(`cannot run perl: ${e.message}`, true));
    child.on('exit', (code, sig) => fail(`${this.o.name} exited (${sig ?? code})`, false));
    child.stdin!.on('error', () => { /* reported through exit */ });
    holdWhileAwaited(child, false);
    return h;
  }
}

/** Keeps the event loop up only while a reply is awaited. */
export function holdWhileAwaited(child: ChildProcess, on: boolean): void {
  const streams = [child.stdin, child.stdout] as ({ ref?(): void; unref?(): void } | null)[];
  if (on) { child.ref(); for (const s of streams) s?.ref?.(); } else { child.unref(); for (const s of streams) s?.unref?.(); }
}
