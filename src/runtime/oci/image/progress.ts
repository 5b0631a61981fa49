// A CLI progress display for pulls: one line per layer, redrawn in place on a TTY
// (at most every 100 ms), and one line per layer state change otherwise.
import type { PullProgress } from './pull.js';

export interface ProgressWriter {
  write(s: string): unknown;
  isTTY?: boolean;
}

function human(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export class ProgressPrinter {
  private readonly layers = new Map<string, PullProgress>();
  private drawn = 0;
  private last = 0;

  constructor(private readonly out: ProgressWriter = process.stderr, private readonly now: () => number = Date.now) {}

  /** Pass this as `onProgress`. */
  readonly update = (p: PullProgress): void => {
    const prev = this.layers.get(p.digest);
    this.layers.set(p.digest, p);
    if (!this.out.isTTY) {
      if (prev?.status !== p.status && p.status !== 'waiting') this.out.write(`${this.line(p)}\n`);
      return;
    }
    const t = this.now();
    if (p.status === 'downloading' && prev?.status === 'downloading' && t - this.last < 100) return;
    this.last = t;
    this.redraw();
  };

  /** Draw the final state (call when the pull ends). */
  finish(): void {
    if (this.out.isTTY) this.redraw();
  }

  line(p: PullProgress): string {
    const id = p.digest.slice(7, 19);
    if (p.status === 'downloading') {
      const pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 0;
      return `${id}: downloading ${human(p.done)}/${human(p.total)} ${pct}%`;
    }
    return `${id}: ${p.status === 'exists' ? 'already exists' : p.status}`;
  }

  private redraw(): void {
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const p of this.layers.values()) s += `\x1b[2K${this.line(p)}\n`;
    this.drawn = this.layers.size;
    this.out.write(s);
  }
}
