// Jobs and CronJobs, and the job strategy's selector generation on create.

import { type JsonObject, ensureObj, obj, objs, str, strMap } from '../validation/json.js';
import { defaultPodTemplate } from './pod.js';

function setIfAbsent(o: JsonObject, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

const maxInt32 = 2147483647;

export function defaultJob(job: JsonObject): void {
  const spec = ensureObj(job, 'spec');
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  setIfAbsent(spec, 'backoffLimit', spec.backoffLimitPerIndex != null ? maxInt32 : 6);
  const tplLabels = obj(obj(obj(spec, 'template'), 'metadata'), 'labels');
  const meta = ensureObj(job, 'metadata');
  if (tplLabels && Object.keys(strMap(meta, 'labels')).length === 0) meta.labels = { ...strMap(obj(obj(spec, 'template'), 'metadata'), 'labels') };
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'podReplacementPolicy', spec.podFailurePolicy != null ? 'Failed' : 'TerminatingOrFailed');
  for (const rule of objs(obj(spec, 'podFailurePolicy'), 'rules')) {
    for (const c of objs(rule, 'onPodConditions')) setIfAbsent(c, 'status', 'True');
  }
  defaultPodTemplate(obj(spec, 'template'));
}

export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyControllerUidLabel = 'controller-uid';
export const legacyJobNameLabel = 'job-name';

/**
 * What the job strategy does on create unless spec.manualSelector is true: label the
 * pod template with the job's name and uid (new and legacy keys) and select on the
 * uid, so the job's pods are its own even if another job shares its other labels.
 * The job's own labels follow the template's when it has none.
 */
export function prepareJobOnCreate(job: JsonObject, uid: string): void {
  const spec = ensureObj(job, 'spec');
  if (spec.manualSelector === true) return;
  const name = str(obj(job, 'metadata'), 'name');
  const tplMeta = ensureObj(ensureObj(spec, 'template'), 'metadata');
  const labels = ensureObj(tplMeta, 'labels');
  for (const k of [legacyJobNameLabel, jobNameLabel]) if (!(k in labels)) labels[k] = name;
  for (const k of [legacyControllerUidLabel, controllerUidLabel]) if (!(k in labels)) labels[k] = uid;
  const selector = ensureObj(spec, 'selector');
  const match = ensureObj(selector, 'matchLabels');
  if (!(controllerUidLabel in match)) match[controllerUidLabel] = uid;
  const meta = ensureObj(job, 'metadata');
  if (Object.keys(strMap(meta, 'labels')).length === 0) meta.labels = { ...strMap(tplMeta, 'labels') };
}

export function defaultCronJob(cj: JsonObject): void {
  const spec = ensureObj(cj, 'spec');
  if (!str(spec, 'concurrencyPolicy')) spec.concurrencyPolicy = 'Allow';
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(obj(obj(obj(spec, 'jobTemplate'), 'spec'), 'template'));
}
