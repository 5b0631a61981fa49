// One sync of one CronJob: reconcile status.active with the Jobs it owns, then, unless
// suspended, start the Job for the most recent scheduled time not yet run (within
// startingDeadlineSeconds, under the concurrency policy), trim finished Jobs to the
// history limits, and ask to be looked at again at the next scheduled time.

import type { Clock } from '../../client/clock.js';
import type { SyncResult } from '../../client/controller.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../../client/events.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { controlledBy, newControllerRef } from '../history/owner.js';
import { creationMs, rfc3339 } from '../history/pods.js';
import { stableStringify } from '../history/revision.js';
import { putStatus } from '../history/status.js';
import { isFinished, type Job, type JobSpec } from '../job/types.js';
import { mostRecentTime, nextTime, parseSchedule, type Schedule } from './schedule.js';
import { checkTimeZone, formatInZone, localTimeZone, UnknownTimeZoneError } from './timezone.js';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface JobRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface CronJob extends KObject {
  spec?: {
    schedule?: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: JobSpec };
  };
  status?: { active?: JobRef[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

export interface CronJobSyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  cronJobs: Lister<CronJob>;
  jobs: Lister<Job>;
  events?: EventRecorder;
}

const jobsPath = (ns: string, name?: string) => `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs${name ? `/${encodeURIComponent(name)}` : ''}`;

/** The Job for one scheduled time: `<cronjob>-<minutes since the epoch>`. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60000)}`;
}

export function newJobFromCronJob(cj: CronJob, scheduledMs: number, tz: string): Job {
  const tpl = cj.spec?.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata.name ?? '', scheduledMs),
      namespace: cj.metadata.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: { ...(tpl.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: formatInZone(scheduledMs, tz) },
      ownerReferences: [{ ...newControllerRef(cj, 'batch/v1', 'CronJob') }],
    },
    spec: structuredClone(tpl.spec ?? {}),
  };
}

function event(d: CronJobSyncDeps, cj: CronJob, type: 'Normal' | 'Warning', reason: string, msg: string): void {
  d.events?.event(cj, type, reason, msg).catch(() => {});
}

export async function syncCronJob(key: string, d: CronJobSyncDeps): Promise<SyncResult | void> {
  const [ns, name] = key.split('/');
  const cj = d.cronJobs.get(ns, name);
  if (!cj) return;
  const now = d.clock.now();
  const status = structuredClone(cj.status ?? {});
  const jobs = controlledBy(d.jobs, ns, cj.metadata.uid ?? '');
  const active = status.active ?? [];
  const seen = new Set(jobs.map((j) => j.metadata.uid));
  for (const j of jobs) {
    const i = active.findIndex((r) => r.uid === j.metadata.uid);
    const finished = isFinished(j);
    if (!finished && i < 0 && !j.metadata.deletionTimestamp) {
      // Created by us just before a crash, or the status write was lost: adopt it.
      active.push(refOf(j));
    } else if (finished && i >= 0) {
      active.splice(i, 1);
      event(d, cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${finished}`);
      if (finished === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || status.lastSuccessfulTime < j.status.completionTime)) status.lastSuccessfulTime = j.status.completionTime;
    }
  }
  // An active job the cache does not show may just be too new for it: ask the server.
  for (const r of [...active]) {
    if (seen.has(r.uid)) continue;
    try {
      const j = await d.client.get<Job>(jobsPath(ns, r.name));
      if (j.metadata.uid === r.uid && !isFinished(j)) continue;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    active.splice(active.indexOf(r), 1);
    event(d, cj, 'Normal', 'MissingJob', `Active job went missing: ${r.name}`);
  }
  status.active = active;
  const writeStatus = async () => {
    const st: Record<string, unknown> = { ...status };
    if (!status.active?.length) delete st.active;
    if (stableStringify(st) !== stableStringify(cj.status ?? {})) await putStatus(d.client, `/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/cronjobs/${encodeURIComponent(name)}`, cj, st);
  };

  await cleanupHistory(cj, jobs, d);
  if (cj.metadata.deletionTimestamp || cj.spec?.suspend) return writeStatus();

  let sched: Schedule;
  let tz: string;
  try {
    sched = parseSchedule(cj.spec?.schedule ?? '');
    tz = cj.spec?.timeZone ?? sched.timeZone ?? localTimeZone();
    checkTimeZone(tz);
  } catch (err) {
    const reason = err instanceof UnknownTimeZoneError ? 'UnknownTimeZone' : 'UnparseableSchedule';
    event(d, cj, 'Warning', reason, `${reason === 'UnknownTimeZone' ? 'invalid timeZone' : 'unparseable schedule'}: ${JSON.stringify(cj.spec?.timeZone ?? cj.spec?.schedule)} : ${(err as Error).message}`);
    // Nothing will change until the spec does, and that enqueues the CronJob anyway.
    return writeStatus();
  }
  const next = nextTime(sched, now, tz);
  const requeue = next !== undefined ? { requeueAfterMs: next - now + 100 } : undefined;
  const deadline = cj.spec?.startingDeadlineSeconds;
  let earliest = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : creationMs(cj);
  if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
  const recent = mostRecentTime(sched, earliest, now, tz);
  if (recent.time === undefined) {
    await writeStatus();
    return requeue;
  }
  const scheduled = recent.time;
  if (recent.missed > 100) event(d, cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
    event(d, cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatInZone(scheduled, tz)}`);
    await writeStatus();
    return requeue;
  }
  const jobName = jobNameFor(name, scheduled);
  if (jobs.some((j) => j.metadata.name === jobName) || active.some((r) => r.name === jobName)) {
    status.lastScheduleTime = rfc3339(scheduled);
    await writeStatus();
    return requeue;
  }
  const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    event(d, cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    await writeStatus();
    return requeue;
  }
  if (policy === 'Replace') {
    for (const r of [...active]) {
      try {
        await d.client.delete(jobsPath(ns, r.name), { propagationPolicy: 'Background' });
        event(d, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${r.name}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      active.splice(active.indexOf(r), 1);
    }
  }
  try {
    const created = await d.client.create<Job>(jobsPath(ns), newJobFromCronJob(cj, scheduled, tz));
    active.push(refOf(created));
    event(d, cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  status.lastScheduleTime = rfc3339(scheduled);
  await writeStatus();
  return requeue;
}

function refOf(j: Job): JobRef {
  return { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name, namespace: j.metadata.namespace, uid: j.metadata.uid, resourceVersion: j.metadata.resourceVersion };
}

/** Keeps the newest successfulJobsHistoryLimit complete and failedJobsHistoryLimit failed Jobs. */
async function cleanupHistory(cj: CronJob, jobs: Job[], d: CronJobSyncDeps): Promise<void> {
  const limits = { Complete: cj.spec?.successfulJobsHistoryLimit ?? 3, Failed: cj.spec?.failedJobsHistoryLimit ?? 1 };
  for (const kind of ['Complete', 'Failed'] as const) {
    const done = jobs.filter((j) => isFinished(j) === kind && !j.metadata.deletionTimestamp).sort((a, b) => startMs(a) - startMs(b));
    for (const j of done.slice(0, Math.max(0, done.length - limits[kind]))) {
      try {
        await d.client.delete(jobsPath(j.metadata.namespace ?? '', j.metadata.name), { propagationPolicy: 'Background' });
        event(d, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}

function startMs(j: Job): number {
  const t = j.status?.startTime ? Date.parse(j.status.startTime) : NaN;
  return Number.isFinite(t) ? t : creationMs(j);
}
