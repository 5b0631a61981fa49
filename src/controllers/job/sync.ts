// One sync of one Job: count finished pods (finalizer tracking), decide whether the job
// has met its success or failure criteria, otherwise bring the number of running pods
// to what parallelism, completions and the failure back-off allow, and write status.

import { isConflict, isNotFound } from '../../client/errors.js';
import type { SyncResult } from '../../client/controller.js';
import type { EventRecorder } from '../../client/events.js';
import type { Clock } from '../../client/clock.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Expectations } from '../history/expectations.js';
import { controlledBy, ownerKey } from '../history/owner.js';
import { isActive, isPodReady, isTerminal, isTerminating, rfc3339, type Pod } from '../history/pods.js';
import { remainingBackoffMs, type BackoffStore } from './backoff.js';
import { isTrue, messages, reasons, setCondition } from './conditions.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { newJobPod, podIndex } from './pod-template.js';
import { hasTrackingFinalizer, isPodFailed, isPodSucceeded, removeTrackingFinalizer } from './tracking.js';
import { isFinished, jobControllerName, type Job, type JobStatus } from './types.js';
import { stableStringify } from '../history/revision.js';

export interface JobSyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  jobs: Lister<Job>;
  /** Must have the controllerUidIndex. */
  pods: Lister<Pod>;
  expectations: Expectations;
  backoff: BackoffStore;
  events?: EventRecorder;
}

const podsPath = (ns: string, name?: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods${name ? `/${encodeURIComponent(name)}` : ''}`;

/**
 * A conflict on the status write means the cache is behind a newer Job (usually our own
 * last write): its watch event enqueues the key again, and that sync sees it, so the
 * conflict is no failure. Every step before the write is safe to repeat.
 */
export async function syncJob(key: string, d: JobSyncDeps): Promise<SyncResult | void> {
  try {
    return await syncJobOnce(key, d);
  } catch (err) {
    if (isConflict(err)) return;
    throw err;
  }
}

async function syncJobOnce(key: string, d: JobSyncDeps): Promise<SyncResult | void> {
  const [ns, name] = key.split('/');
  const job = d.jobs.get(ns, name);
  if (!job) {
    d.expectations.forget(key);
    await releaseOrphans(ns, name, d);
    return;
  }
  // Another controller (e.g. MultiKueue) owns this job's status and pods.
  if (job.spec?.managedBy && job.spec.managedBy !== jobControllerName) return;
  const now = d.clock.now();
  const pods = controlledBy(d.pods, ns, job.metadata.uid ?? '');
  if (isFinished(job)) {
    // Counted already (a job is finished only with nothing uncounted): let stragglers go.
    for (const p of pods) if (hasTrackingFinalizer(p)) await removeTrackingFinalizer(d.client, p);
    d.backoff.delete(job.metadata.uid ?? '');
    return;
  }
  const spec = job.spec ?? {};
  const indexed = spec.completionMode === 'Indexed';
  const completions = spec.completions ?? null;
  const status: JobStatus = structuredClone(job.status ?? {});
  let written = job;
  const writeStatus = async () => {
    if (stableStringify(status) === stableStringify(written.status ?? {})) return;
    written = await d.client.update<Job>(`/apis/batch/v1/namespaces/${encodeURIComponent(ns)}/jobs/${encodeURIComponent(name)}/status`, { ...written, status });
  };

  // 1. Finished pods go into uncountedTerminatedPods before their finalizers come off.
  const unc = { succeeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods?.failed ?? []) };
  for (const p of pods) {
    const uid = p.metadata.uid ?? '';
    if (!hasTrackingFinalizer(p) || unc.succeeded.has(uid) || unc.failed.has(uid)) continue;
    if (isPodSucceeded(p)) unc.succeeded.add(uid);
    else if (isPodFailed(p, job)) unc.failed.add(uid);
  }
  status.uncountedTerminatedPods = { succeeded: [...unc.succeeded], failed: [...unc.failed] };
  if (status.uncountedTerminatedPods.succeeded!.length === 0) delete status.uncountedTerminatedPods.succeeded;
  if (status.uncountedTerminatedPods.failed!.length === 0) delete status.uncountedTerminatedPods.failed;
  await writeStatus();

  // 2. Finalizers off, then 3. the counts move.
  const byUid = new Map(pods.map((p) => [p.metadata.uid ?? '', p]));
  let newSucceeded = 0;
  let newFailed = 0;
  let failJobMessage: string | undefined;
  const completed = parseIndexes(status.completedIndexes, completions ?? 0);
  for (const [set, ok] of [[unc.succeeded, true], [unc.failed, false]] as const) {
    for (const uid of [...set]) {
      const p = byUid.get(uid);
      if (p && hasTrackingFinalizer(p)) await removeTrackingFinalizer(d.client, p);
      set.delete(uid);
      if (ok) {
        newSucceeded++;
        const ix = p ? podIndex(p) : undefined;
        if (indexed && ix !== undefined && ix < (completions ?? 0)) completed.add(ix);
        continue;
      }
      const match = p ? matchPodFailurePolicy(job, p) : undefined;
      if (match?.action === 'Ignore') continue;
      if (match?.action === 'FailJob') failJobMessage ??= match.message;
      newFailed++;
    }
  }
  status.succeeded = (status.succeeded ?? 0) + newSucceeded;
  status.failed = (status.failed ?? 0) + newFailed;
  if (indexed) status.completedIndexes = formatIndexes(completed);
  delete status.uncountedTerminatedPods?.succeeded;
  delete status.uncountedTerminatedPods?.failed;
  d.backoff.observe(job.metadata.uid ?? '', newSucceeded, newFailed, now);

  const active = pods.filter(isActive);
  const terminating = pods.filter((p) => isTerminating(p) && !isTerminal(p));
  let requeueAfterMs: number | undefined;

  // 4. Success and failure criteria.
  if (!isTrue(status, 'FailureTarget') && !isTrue(status, 'SuccessCriteriaMet')) {
    const restarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + containerRestarts(p), 0) : 0;
    const backoffLimit = spec.backoffLimit ?? 6;
    const deadline = spec.activeDeadlineSeconds;
    const started = status.startTime ? Date.parse(status.startTime) : undefined;
    const complete = indexed
      ? completed.size >= (completions ?? 0)
      : completions === null
        ? status.succeeded > 0 && active.length === 0
        : status.succeeded >= completions;
    if (failJobMessage) setCondition(status, 'FailureTarget', 'True', reasons.podFailurePolicy, failJobMessage, now);
    else if (status.failed + restarts > backoffLimit) setCondition(status, 'FailureTarget', 'True', reasons.backoffLimitExceeded, messages.BackoffLimitExceeded, now);
    else if (deadline !== undefined && started !== undefined && !spec.suspend && now - started >= deadline * 1000) setCondition(status, 'FailureTarget', 'True', reasons.deadlineExceeded, messages.DeadlineExceeded, now);
    else if (indexed && successPolicyMatch(job, completed) !== undefined) setCondition(status, 'SuccessCriteriaMet', 'True', reasons.successPolicy, `Matched rules at index ${successPolicyMatch(job, completed)}`, now);
    else if (complete) setCondition(status, 'SuccessCriteriaMet', 'True', reasons.completionsReached, messages.CompletionsReached, now);
    else if (deadline !== undefined && started !== undefined && !spec.suspend) requeueAfterMs = started + deadline * 1000 - now;
  }

  const failing = isTrue(status, 'FailureTarget');
  const succeeding = isTrue(status, 'SuccessCriteriaMet');
  const deleted = new Set<string>();
  if (failing || succeeding) {
    // Terminate what still runs; the terminal condition waits until nothing is left.
    for (const uid of await deletePods(key, active, active.length, d)) deleted.add(uid);
    if (pods.every(isTerminal)) {
      const src = status.conditions!.find((c) => c.type === (failing ? 'FailureTarget' : 'SuccessCriteriaMet'))!;
      setCondition(status, failing ? 'Failed' : 'Complete', 'True', src.reason ?? '', src.message ?? '', now);
      if (succeeding) status.completionTime = rfc3339(now);
      d.events?.event(job, failing ? 'Warning' : 'Normal', failing ? src.reason ?? 'Failed' : 'Completed', failing ? src.message ?? 'Job failed' : 'Job completed').catch(() => {});
    }
  } else if (spec.suspend) {
    for (const uid of await deletePods(key, active, active.length, d)) deleted.add(uid);
    setCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
  } else {
    if (isTrue(status, 'Suspended')) {
      setCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
      status.startTime = rfc3339(now);
    }
    status.startTime ??= rfc3339(now);
    if (d.expectations.satisfied(key)) {
      const r = await managePods(key, job, active, completed, status.succeeded, d, now);
      for (const uid of r.deleted) deleted.add(uid);
      if (r.requeueAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, r.requeueAfterMs);
    }
  }

  // Pods deleted in this sync are terminating now, though the cache does not show it yet.
  const stillActive = active.filter((p) => !deleted.has(p.metadata.uid ?? ''));
  status.active = stillActive.length;
  status.ready = stillActive.filter(isPodReady).length;
  status.terminating = terminating.length + deleted.size;
  if (!status.active) delete status.active;
  if (!status.succeeded) delete status.succeeded;
  if (!status.failed) delete status.failed;
  await writeStatus();
  return requeueAfterMs !== undefined && Number.isFinite(requeueAfterMs) ? { requeueAfterMs: Math.max(1, requeueAfterMs) } : undefined;
}

/** The index of the first successPolicy rule the completed indexes satisfy. */
export function successPolicyMatch(job: Job, completed: Set<number>): number | undefined {
  const rules = job.spec?.successPolicy?.rules ?? [];
  const total = job.spec?.completions ?? 0;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const wanted = r.succeededIndexes !== undefined ? parseIndexes(r.succeededIndexes, total) : undefined;
    const done = wanted ? [...wanted].filter((x) => completed.has(x)).length : completed.size;
    if (r.succeededCount !== undefined ? done >= r.succeededCount : wanted !== undefined && done === wanted.size && done > 0) return i;
  }
  return undefined;
}

function containerRestarts(p: Pod): number {
  const cs = (p.status?.containerStatuses ?? []) as { restartCount?: number }[];
  return cs.reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

interface ManageResult {
  deleted: string[];
  requeueAfterMs?: number;
}

/** Creates or deletes pods so that the active ones are what the job wants now. */
async function managePods(key: string, job: Job, active: Pod[], completed: Set<number>, succeeded: number, d: JobSyncDeps, now: number): Promise<ManageResult> {
  const spec = job.spec ?? {};
  const parallelism = spec.parallelism ?? 1;
  const completions = spec.completions ?? null;
  const deleted: string[] = [];
  let toCreate: (number | undefined)[] = [];
  if (spec.completionMode === 'Indexed') {
    const total = completions ?? 0;
    // Duplicates of an index, indexes out of range or already completed: delete.
    const seen = new Set<number>();
    const extra: Pod[] = [];
    for (const p of [...active].sort((a, b) => Number(isPodReady(b)) - Number(isPodReady(a)))) {
      const ix = podIndex(p);
      if (ix === undefined || ix >= total || completed.has(ix) || seen.has(ix)) extra.push(p);
      else seen.add(ix);
    }
    const wantActive = Math.min(parallelism, total - completed.size);
    const keep = active.length - extra.length;
    const over = Math.max(0, keep - wantActive);
    const victims = [...extra, ...rankForDeletion(active.filter((p) => !extra.includes(p))).slice(0, over)];
    deleted.push(...(await deletePods(key, victims, victims.length, d)));
    const slots = Math.max(0, wantActive - (keep - over));
    for (let i = 0; i < total && toCreate.length < slots; i++) if (!completed.has(i) && !seen.has(i)) toCreate.push(i);
  } else {
    let wantActive: number;
    if (completions === null) wantActive = succeeded > 0 ? active.length : parallelism;
    else wantActive = Math.max(0, Math.min(completions - succeeded, parallelism));
    if (active.length > wantActive) {
      deleted.push(...(await deletePods(key, rankForDeletion(active), active.length - wantActive, d)));
    } else toCreate = new Array<undefined>(wantActive - active.length).fill(undefined);
  }
  if (toCreate.length === 0) return { deleted };
  const wait = remainingBackoffMs(d.backoff.get(job.metadata.uid ?? ''), now);
  if (wait > 0) return { deleted, requeueAfterMs: wait };
  await createPods(key, job, toCreate, d);
  return { deleted };
}

/** Pods least worth keeping first: unscheduled, then not ready, then the newest. */
function rankForDeletion(pods: Pod[]): Pod[] {
  const rank = (p: Pod) => (p.spec?.nodeName ? 0 : 2) + (isPodReady(p) ? 0 : 1);
  return [...pods].sort((a, b) => rank(b) - rank(a) || String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')));
}

/** Creates in slow-start batches (1, 2, 4, ...) so a quota or admission error costs one pod, not all. */
async function createPods(key: string, job: Job, indexes: (number | undefined)[], d: JobSyncDeps): Promise<void> {
  const ns = job.metadata.namespace ?? '';
  let batch = 1;
  for (let i = 0; i < indexes.length; i += batch, batch *= 2) {
    const group = indexes.slice(i, i + batch).map((ix) => newJobPod(job, ix));
    for (const p of group) d.expectations.expectAdd(key, p.metadata.name!);
    const results = await Promise.allSettled(group.map((p) => d.client.create(podsPath(ns), p)));
    let firstError: unknown;
    results.forEach((r, j) => {
      const podName = group[j].metadata.name!;
      if (r.status === 'rejected') {
        d.expectations.observeAdd(key, podName);
        firstError ??= r.reason;
      } else d.events?.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${podName}`).catch(() => {});
    });
    if (firstError) throw firstError;
  }
}

/** Deletes up to n of pods; answers the uids deleted. */
async function deletePods(key: string, pods: Pod[], n: number, d: JobSyncDeps): Promise<string[]> {
  const out: string[] = [];
  for (const p of pods.slice(0, n)) {
    d.expectations.expectDelete(key, p.metadata.name!);
    try {
      await d.client.delete(podsPath(p.metadata.namespace ?? '', p.metadata.name), { preconditions: { uid: p.metadata.uid } });
      out.push(p.metadata.uid ?? '');
      const job = d.jobs.getByKey(key);
      if (job) d.events?.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`).catch(() => {});
    } catch (err) {
      d.expectations.observeDelete(key, p.metadata.name!);
      if (!isNotFound(err)) throw err;
    }
  }
  return out;
}

/** Pods of a job that no longer exists keep nothing waiting: their finalizers go. */
async function releaseOrphans(ns: string, name: string, d: JobSyncDeps): Promise<void> {
  for (const p of d.pods.list(ns)) {
    if (hasTrackingFinalizer(p) && ownerKey(p, 'Job') === `${ns}/${name}`) await removeTrackingFinalizer(d.client, p);
  }
}
