// Jobs and CronJobs.

import { type FieldError, FieldPath, fieldImmutable, goLabelSelector, goStringMap, invalid, notSupported, required } from './errors.js';
import { type JsonObject, deepEqual, has, isObj, num, obj, str, strMap } from './json.js';
import { nameIsDNSSubdomain } from './names.js';
import { selectorMatches, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { CronParseError, parseCronSchedule } from './cron.js';

const maxParallelismForIndexedJob = 100000;

function nonNegative(o: JsonObject, k: string, p: FieldPath, errs: FieldError[]): void {
  const v = num(o, k);
  if (v !== undefined && v < 0) errs.push(invalid(p.child(k), v, 'must be greater than or equal to 0'));
}

/** The spec of a Job or of a CronJob's jobTemplate; `selector` is checked by the callers. */
function validateJobSpec(spec: JsonObject, p: FieldPath, errs: FieldError[]): void {
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    nonNegative(spec, k, p, errs);
  }
  const mode = str(spec, 'completionMode');
  if (mode && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(p.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (!has(spec, 'completions')) errs.push(required(p.child('completions'), 'when completion mode is Indexed'));
    const par = num(spec, 'parallelism');
    if (par !== undefined && par > maxParallelismForIndexedJob) {
      errs.push(invalid(p.child('parallelism'), par, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
    }
  }
  const prp = str(spec, 'podReplacementPolicy');
  if (prp && prp !== 'TerminatingOrFailed' && prp !== 'Failed') errs.push(notSupported(p.child('podReplacementPolicy'), prp, ['TerminatingOrFailed', 'Failed']));
  const tpl = obj(spec, 'template');
  errs.push(...validatePodTemplateSpec(tpl, p.child('template')));
  const rp = str(obj(tpl, 'spec'), 'restartPolicy');
  if (tpl && rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(p.child('template', 'spec', 'restartPolicy'), rp, ['OnFailure', 'Never']));
  else if (rp === 'OnFailure' && has(spec, 'podFailurePolicy')) errs.push(invalid(p.child('template', 'spec', 'restartPolicy'), rp, 'only "Never" is supported when podFailurePolicy is specified'));
}

export function validateJob(job: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(job, old) : validateObjectMeta(job, true, nameIsDNSSubdomain);
  const spec = obj(job, 'spec') ?? {};
  const sp = new FieldPath('spec');
  validateJobSpec(spec, sp, errs);
  const sel = spec.selector;
  if (!isObj(sel)) errs.push(required(sp.child('selector')));
  else {
    errs.push(...validateLabelSelector(sel, sp.child('selector')));
    const labels = strMap(obj(obj(spec, 'template'), 'metadata'), 'labels');
    if (!selectorMatches(sel, labels)) errs.push(invalid(sp.child('template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  if (old) {
    const oldSpec = obj(old, 'spec') ?? {};
    for (const k of ['selector', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
      if (!deepEqual(spec[k], oldSpec[k])) errs.push(invalid(sp.child(k), k === 'selector' ? goLabelSelector(spec[k]) : spec[k] ?? null, fieldImmutable));
    }
    // Elastic indexed jobs scale completions together with parallelism.
    const elastic = str(spec, 'completionMode') === 'Indexed' && num(spec, 'completions') === num(spec, 'parallelism');
    if (!elastic && !deepEqual(spec.completions, oldSpec.completions)) errs.push(invalid(sp.child('completions'), spec.completions ?? null, fieldImmutable));
    // A suspended job that never started may have its pods' placement changed (queueing
    // controllers do this): labels, annotations, node selector, affinity, tolerations, gates.
    const neverStarted = oldSpec.suspend === true && !has(obj(old, 'status'), 'startTime');
    const placement = (t: unknown): unknown => {
      if (!neverStarted || !isObj(t)) return t;
      const c = structuredClone(t);
      delete c.metadata;
      const ts = obj(c, 'spec');
      if (ts) for (const k of ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates']) delete ts[k];
      return c;
    };
    if (!deepEqual(placement(spec.template), placement(oldSpec.template))) errs.push(invalid(sp.child('template'), spec.template ?? null, fieldImmutable));
  }
  return errs;
}

const concurrencyPolicies = ['Allow', 'Forbid', 'Replace'];

/** The schedule's own errors (parse errors and TZ use). */
export function validateSchedule(schedule: string, p: FieldPath, allowTZ: boolean, hasTimeZone: boolean): FieldError[] {
  const errs: FieldError[] = [];
  try {
    parseCronSchedule(schedule);
  } catch (e) {
    if (!(e instanceof CronParseError)) throw e;
    errs.push(invalid(p, schedule, e.message));
  }
  if (allowTZ && schedule.includes('TZ') && hasTimeZone) errs.push(invalid(p, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZ && schedule.includes('TZ')) errs.push(invalid(p, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function validateCronJob(cj: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(cj, old) : validateObjectMeta(cj, true, nameIsDNSSubdomain);
  const name = str(obj(cj, 'metadata'), 'name');
  // Jobs are named <cronjob>-<11 chars of schedule time>, and must fit 63 characters.
  if (!old && name.length > 52) errs.push(invalid(new FieldPath('metadata').child('name'), name, 'must be no more than 52 characters'));
  const spec = obj(cj, 'spec') ?? {};
  const oldSpec = old ? obj(old, 'spec') : undefined;
  const sp = new FieldPath('spec');
  const schedule = str(spec, 'schedule');
  if (!schedule) errs.push(required(sp.child('schedule')));
  else errs.push(...validateSchedule(schedule, sp.child('schedule'), str(oldSpec, 'schedule').includes('TZ'), has(spec, 'timeZone')));
  nonNegative(spec, 'startingDeadlineSeconds', sp, errs);
  nonNegative(spec, 'successfulJobsHistoryLimit', sp, errs);
  nonNegative(spec, 'failedJobsHistoryLimit', sp, errs);
  if (has(spec, 'timeZone') && (!oldSpec || oldSpec.timeZone !== spec.timeZone)) {
    const tz = spec.timeZone;
    const tp = sp.child('timeZone');
    if (typeof tz !== 'string' || tz === '') errs.push(invalid(tp, tz ?? null, 'timeZone must be nil or non-empty string'));
    else if (tz.toLowerCase() === 'local') errs.push(invalid(tp, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
    else if (!isKnownTimeZone(tz)) errs.push(invalid(tp, tz, `unknown time zone ${tz}`));
  }
  const cp = str(spec, 'concurrencyPolicy');
  if (!cp) errs.push(required(sp.child('concurrencyPolicy')));
  else if (!concurrencyPolicies.includes(cp)) errs.push(notSupported(sp.child('concurrencyPolicy'), cp, concurrencyPolicies));
  const jt = obj(spec, 'jobTemplate') ?? {};
  const jp = sp.child('jobTemplate', 'spec');
  const jspec = obj(jt, 'spec') ?? {};
  validateJobSpec(jspec, jp, errs);
  if (has(jspec, 'selector')) errs.push(invalid(jp.child('selector'), jspec.selector, '`selector` will be auto-generated'));
  if (jspec.manualSelector === true) errs.push(notSupported(jp.child('manualSelector'), true, ['nil', 'false']));
  return errs;
}
