// The parent's side of watch-process.ts: forks watcher processes, opens the watches in
// them, and asks for counts, marker arrival times and their CPU time.

import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { WatchSpec } from './watch-process.js';

const entry = new URL('./watch-process.js', import.meta.url).pathname;

type Reply = { opened?: number; counted?: number; marker?: number; times?: string[]; failed?: string };

export class WatcherProcesses {
  private readonly children: ChildProcess[] = [];
  /** Arrival times (process.hrtime, ns) of each marker sequence number, over every process. */
  private readonly markers = new Map<number, bigint[]>();
  private readonly markerDone = new Map<number, number>();

  /** Opens paths spread over `processes` watcher processes; resolves once every watch has its response head. */
  static async open(kubeconfig: string, paths: string[], opts: { processes?: number; markers?: boolean } = {}): Promise<WatcherProcesses> {
    const w = new WatcherProcesses();
    const n = Math.max(1, Math.min(opts.processes ?? 1, paths.length));
    try {
      await Promise.all(Array.from({ length: n }, (_, i) => w.start({ kubeconfig, paths: paths.filter((_, j) => j % n === i), markers: opts.markers ?? false })));
    } catch (err) {
      await w.stop();
      throw err;
    }
    return w;
  }

  private start(spec: WatchSpec): Promise<void> {
    const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.children.push(child);
    child.on('message', (m: Reply) => {
      if (m.marker === undefined || !m.times) return;
      const list = this.markers.get(m.marker) ?? [];
      list.push(...m.times.map(BigInt));
      this.markers.set(m.marker, list);
      this.markerDone.set(m.marker, (this.markerDone.get(m.marker) ?? 0) + 1);
    });
    return new Promise((resolve, reject) => {
      const onMessage = (m: Reply): void => {
        if (m.opened !== undefined) { child.off('message', onMessage); resolve(); }
        if (m.failed) { child.off('message', onMessage); reject(new Error(m.failed)); }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`watcher process exited ${code}`)));
      child.send({ open: spec });
    });
  }

  /** Events received so far over every watch. */
  async count(): Promise<number> {
    const counts = await Promise.all(this.children.map((c) => new Promise<number>((resolve) => {
      const onMessage = (m: Reply): void => {
        if (m.counted === undefined) return;
        c.off('message', onMessage);
        resolve(m.counted);
      };
      c.on('message', onMessage);
      c.send({ count: true });
    })));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Arrival times (ns, process.hrtime) of marker seq, once every watch saw it; undefined until then. */
  markerTimes(seq: number): bigint[] | undefined {
    return this.markerDone.get(seq) === this.children.length ? this.markers.get(seq) : undefined;
  }

  /** CPU seconds the watcher processes have used so far. */
  cpuSeconds(): number {
    let ticks = 0;
    for (const c of this.children) {
      const stat = readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(stat[11]) + Number(stat[12]);
    }
    return ticks / 100; // USER_HZ on Linux
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return undefined;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      return exited;
    }));
  }
}
