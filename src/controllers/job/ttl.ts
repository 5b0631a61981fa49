// The TTL-after-finished controller: deletes a Job ttlSecondsAfterFinished after it
// finished (Complete or Failed). The decision is made again on a fresh GET, so a TTL
// changed just now, or a job restarted, is never deleted on stale cache data.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers, type SyncResult } from '../../client/controller.js';
import { isNotFound } from '../../client/errors.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { finishTimeMs, type Job } from './types.js';

export interface TTLAfterFinishedControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 5. */
  workers?: number;
  informers?: InformerFactory;
}

/** Milliseconds until the job should go: 0 when due now, undefined when never. */
export function timeLeftMs(job: Job, now: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp) return undefined;
  const finished = finishTimeMs(job);
  if (finished === undefined) return undefined;
  return Math.max(0, finished + ttl * 1000 - now);
}

export interface TTLSyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  jobs: Lister<Job>;
}

export async function syncTTL(key: string, d: TTLSyncDeps): Promise<SyncResult | void> {
  const [ns, name] = key.split('/');
  const cached = d.jobs.get(ns, name);
  if (!cached) return;
  const left = timeLeftMs(cached, d.clock.now());
  if (left === undefined) return;
  if (left > 0) return { requeueAfterMs: left };
  const path = `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs/${encodeURIComponent(name)}`;
  let fresh: Job;
  try {
    fresh = await d.client.get<Job>(path);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  const freshLeft = timeLeftMs(fresh, d.clock.now());
  if (freshLeft === undefined) return;
  if (freshLeft > 0) return { requeueAfterMs: freshLeft };
  try {
    // Background: the job goes now, its pods follow through the garbage collector.
    await d.client.delete(path, { propagationPolicy: 'Background', preconditions: { uid: fresh.metadata.uid, resourceVersion: fresh.metadata.resourceVersion } });
    d.log.info(`deleted finished job ${key} (ttlSecondsAfterFinished=${fresh.spec?.ttlSecondsAfterFinished})`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export function startTTLAfterFinishedController(opts: TTLAfterFinishedControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const jobs = factory.informer<Job>({ resource: { group: 'batch', version: 'v1', resource: 'jobs' }, name: 'jobs' });
  const enqueue = (j: Job) => {
    if (j.spec?.ttlSecondsAfterFinished !== undefined && finishTimeMs(j) !== undefined) queue.add(objectKey(j));
  };
  const off = jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, j) => enqueue(j) });
  factory.start();
  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = jobs.waitForSync(abort.signal).then((ok) => {
    if (!ok || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 5, name: 'ttl-after-finished-controller', log, sync: (k) => syncTTL(k, { client, log, clock, jobs: jobs.lister }) });
    log.info('ttl-after-finished controller started');
  });
  return {
    async stop() {
      abort.abort();
      off();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}
