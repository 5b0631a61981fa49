// Container exits as events, from the exit files the runtime's monitor leaves behind.
// conmon writes `<exit-dir>/<container-id>` (through a temporary name, then a rename)
// when the container's process ends; the OCI runtime reads that file to answer
// CONTAINER_EXITED. Watching the directory therefore tells the kubelet which container
// has just ended, so its pod syncs at once instead of at the next relist or resync,
// without a change to the runtime's interface.
//
// inotify (fs.watch) gives the news at once; a readdir every `pollMs` catches what a
// watch can miss (a watch set up after the file appeared, an overflowed queue, a
// filesystem without inotify). Only names new since the last look are reported.

import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { Clock, Logger, TimerHandle } from '../client/index.js';

/** A source of "this container may have changed state" news, by container id. */
export interface ContainerEventSource {
  /** Starts reporting; `onEvent` may be called more than once per change. */
  start(onEvent: (containerId: string) => void): void;
  stop(): void;
  /** False while the source cannot promise prompt news (its watch failed): the PLEG relists often then. */
  readonly live: boolean;
}

export interface ExitFileEventsOptions {
  /** The runtime's exit directory (for the OCI runtime, `<root>/exits`). */
  dir: string;
  clock: Clock;
  log: Logger;
  /** How often the directory is read as well; default 1000 ms. */
  pollMs?: number;
}

/** Container ids are plain names; conmon's temporary file is `<id>.<random>`. */
function idOf(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export class ExitFileEvents implements ContainerEventSource {
  private watcher: FSWatcher | null = null;
  private timer?: TimerHandle;
  private seen = new Set<string>();
  private onEvent: ((id: string) => void) | null = null;
  private watching = false;
  private polling = false;

  constructor(private readonly o: ExitFileEventsOptions) {}

  get live(): boolean {
    return this.watching;
  }

  start(onEvent: (containerId: string) => void): void {
    if (this.onEvent) return;
    this.onEvent = onEvent;
    try {
      this.watcher = watch(this.o.dir, (_event, name) => {
        if (name) this.report(idOf(String(name)));
        else void this.poll(); // the kernel dropped the name (queue overflow): look at all
      });
      this.watcher.on('error', (e: Error) => {
        this.o.log.warn(`kubelet: watching ${this.o.dir} failed, exits found by polling only: ${e.message}`);
        this.watching = false;
        this.watcher?.close();
        this.watcher = null;
      });
      this.watching = true;
    } catch (e) {
      this.o.log.warn(`kubelet: cannot watch ${this.o.dir}, exits found by polling only: ${(e as Error).message}`);
    }
    // The first look only learns what is there: those exits are old news.
    void this.poll(true).finally(() => this.schedule());
  }

  stop(): void {
    this.onEvent = null;
    this.watcher?.close();
    this.watcher = null;
    this.watching = false;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private report(id: string): void {
    if (!id || !this.onEvent) return;
    this.seen.add(id);
    this.onEvent(id);
  }

  private schedule(): void {
    if (!this.onEvent) return;
    this.timer = this.o.clock.setTimeout(() => void this.poll().finally(() => this.schedule()), this.o.pollMs ?? 1000);
  }

  private async poll(quiet = false): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const names = await readdir(this.o.dir).catch(() => [] as string[]);
      const now = new Set(names.map(idOf));
      for (const id of now) if (!this.seen.has(id) && !quiet) this.report(id);
      // Exit files go when their container is removed; forget those so the set stays small.
      this.seen = now;
    } finally {
      this.polling = false;
    }
  }
}
