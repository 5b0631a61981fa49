// startScheduler: the scheduler behind leader election on the Lease
// kube-system/kube-scheduler, so of several servers only one schedules at a time. A
// scheduler that loses the lease stops and campaigns again with a fresh cache.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { realClock, type Clock } from '../client/clock.js';
import { LeaderElector } from '../client/leader-election.js';
import { silentLogger, type Logger } from '../client/log.js';
import type { RestClient } from '../client/rest-client.js';
import type { SchedulerConfig } from './config.js';
import { Scheduler } from './scheduler.js';

export interface StartSchedulerOptions {
  client: RestClient;
  log?: Logger;
  clock?: Clock;
  config?: SchedulerConfig;
  /** Default true; false schedules at once (benchmarks, single-server tests). */
  leaderElection?: boolean;
  bindConcurrency?: number;
  /** Record a Normal "Scheduled" event per bound pod. Default true. */
  recordScheduledEvents?: boolean;
  /** Called with each Scheduler once it runs (benchmarks read its stats). */
  onStarted?(s: Scheduler): void;
}

export interface RunningScheduler {
  stop(): Promise<void>;
}

export function startScheduler(opts: StartSchedulerOptions): RunningScheduler {
  const log = opts.log ?? silentLogger;
  const clock = opts.clock ?? realClock;
  const abort = new AbortController();
  let current: Scheduler | undefined;

  const lead = async (signal: AbortSignal): Promise<void> => {
    const s = new Scheduler({ client: opts.client, log, clock, config: opts.config, bindConcurrency: opts.bindConcurrency, recordScheduledEvents: opts.recordScheduledEvents });
    current = s;
    await s.start(signal);
    opts.onStarted?.(s);
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    await s.stop();
    if (current === s) current = undefined;
  };

  let done: Promise<void>;
  if (opts.leaderElection === false) done = lead(abort.signal);
  else {
    done = (async () => {
      while (!abort.signal.aborted) {
        let leading: Promise<void> = Promise.resolve();
        const elector = new LeaderElector({
          client: opts.client,
          namespace: 'kube-system',
          name: 'kube-scheduler',
          identity: `${hostname()}_${randomBytes(8).toString('hex')}`,
          clock,
          log,
          onStartedLeading: (signal) => {
            leading = lead(signal).catch((err: unknown) => log.error(`scheduler: ${(err as Error).message}`));
          },
        });
        await elector.run(abort.signal);
        await leading;
      }
    })();
  }
  log.info('scheduler started');
  return {
    async stop() {
      abort.abort();
      await done.catch(() => {});
      await current?.stop();
    },
  };
}
