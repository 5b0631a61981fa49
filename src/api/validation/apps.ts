// Workload controllers of apps/v1 (and the core ReplicationController): selectors that
// must match their pod templates, replica counts, update strategies, immutability.

import { type FieldError, FieldPath, fieldImmutable, forbidden, goLabelSelector, goStringMap, invalid, notSupported, required } from './errors.js';
import { type JsonObject, deepEqual, has, isObj, num, obj, str, strMap } from './json.js';
import { nameIsDNSSubdomain } from './names.js';
import { selectorIsEmpty, selectorMatches, validateAnnotations, validateLabelSelector, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { intOrPercentValue, notMoreThan100Percent, validatePositiveIntOrPercent } from './intorpercent.js';

const sp = new FieldPath('spec');

function nonNegative(o: JsonObject, k: string, p: FieldPath, errs: FieldError[]): void {
  const v = num(o, k);
  if (v !== undefined && v < 0) errs.push(invalid(p.child(k), v, 'must be greater than or equal to 0'));
}

function templateLabels(spec: JsonObject): Record<string, string> {
  return strMap(obj(obj(spec, 'template'), 'metadata'), 'labels');
}

/** selector required and non-empty, matching the template, template restartPolicy Always. */
function validateSelectorAndTemplate(spec: JsonObject, what: string, errs: FieldError[]): void {
  const sel = spec.selector;
  if (!isObj(sel)) errs.push(required(sp.child('selector')));
  else {
    errs.push(...validateLabelSelector(sel, sp.child('selector')));
    if (selectorIsEmpty(sel)) errs.push(invalid(sp.child('selector'), goLabelSelector(sel), `empty selector is invalid for ${what === 'replicaset' ? 'deployment' : what}`));
  }
  const tpl = obj(spec, 'template');
  if (tpl && isObj(sel) && !selectorIsEmpty(sel) && !selectorMatches(sel, templateLabels(spec))) {
    errs.push(invalid(sp.child('template', 'metadata', 'labels'), goStringMap(templateLabels(spec)), '`selector` does not match template `labels`'));
  }
  if (what === 'statefulset') {
    // Kubernetes checks only the template's labels and annotations here: its mounts may
    // name volumeClaimTemplates, and the pods are validated when they are created.
    const meta = obj(tpl, 'metadata') ?? {};
    errs.push(...validateLabels(strMap(meta, 'labels'), sp.child('template', 'labels')));
    errs.push(...validateAnnotations(strMap(meta, 'annotations'), sp.child('template', 'annotations')));
  } else {
    errs.push(...validatePodTemplateSpec(tpl, sp.child('template')));
  }
  if (tpl) {
    const tspec = obj(tpl, 'spec') ?? {};
    const rp = str(tspec, 'restartPolicy');
    if (rp && rp !== 'Always') errs.push(notSupported(sp.child('template', 'spec', 'restartPolicy'), rp, ['Always']));
    if (has(tspec, 'activeDeadlineSeconds')) {
      errs.push(forbidden(sp.child('template', 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kindTitle[what]} is not Supported`));
    }
  }
}

const kindTitle: Record<string, string> = {
  deployment: 'ReplicaSet', replicaset: 'ReplicaSet', statefulset: 'StatefulSet', daemonset: 'DaemonSet', replicationcontroller: 'ReplicationController',
};

function validateRollingUpdate(ru: JsonObject, p: FieldPath, errs: FieldError[]): void {
  errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')));
  errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')));
  const mu = intOrPercentValue(ru.maxUnavailable)?.value ?? 0;
  const ms = intOrPercentValue(ru.maxSurge)?.value ?? 0;
  if (mu === 0 && ms === 0) errs.push(invalid(p.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
}

function validateSelectorImmutable(o: JsonObject, old: JsonObject, errs: FieldError[]): void {
  const a = obj(o, 'spec')?.selector;
  const b = obj(old, 'spec')?.selector;
  if (!deepEqual(a, b)) errs.push(invalid(sp.child('selector'), goLabelSelector(a), fieldImmutable));
}

export function validateDeployment(d: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(d, old) : validateObjectMeta(d, true, nameIsDNSSubdomain);
  const spec = obj(d, 'spec') ?? {};
  nonNegative(spec, 'replicas', sp, errs);
  validateSelectorAndTemplate(spec, 'deployment', errs);
  const strategy = obj(spec, 'strategy') ?? {};
  const type = str(strategy, 'type');
  if (type === 'Recreate') {
    if (has(strategy, 'rollingUpdate')) errs.push(forbidden(sp.child('strategy', 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const ru = obj(strategy, 'rollingUpdate');
    if (!ru) errs.push(required(sp.child('strategy', 'rollingUpdate'), 'this should be defaulted and never be nil'));
    else validateRollingUpdate(ru, sp.child('strategy', 'rollingUpdate'), errs);
  } else {
    errs.push(notSupported(sp.child('strategy'), strategy, ['Recreate', 'RollingUpdate']));
  }
  nonNegative(spec, 'minReadySeconds', sp, errs);
  nonNegative(spec, 'revisionHistoryLimit', sp, errs);
  const pds = num(spec, 'progressDeadlineSeconds');
  if (pds !== undefined) {
    nonNegative(spec, 'progressDeadlineSeconds', sp, errs);
    if (pds <= (num(spec, 'minReadySeconds') ?? 0)) errs.push(invalid(sp.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  if (old) validateSelectorImmutable(d, old, errs);
  return errs;
}

export function validateReplicaSet(rs: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(rs, old) : validateObjectMeta(rs, true, nameIsDNSSubdomain);
  const spec = obj(rs, 'spec') ?? {};
  nonNegative(spec, 'replicas', sp, errs);
  nonNegative(spec, 'minReadySeconds', sp, errs);
  validateSelectorAndTemplate(spec, 'replicaset', errs);
  if (old) validateSelectorImmutable(rs, old, errs);
  return errs;
}

export function validateStatefulSet(s: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(s, old) : validateObjectMeta(s, true, nameIsDNSSubdomain);
  const spec = obj(s, 'spec') ?? {};
  const pmp = str(spec, 'podManagementPolicy');
  if (!pmp) errs.push(required(sp.child('podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid(sp.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = obj(spec, 'updateStrategy') ?? {};
  const type = str(us, 'type');
  if (!type) errs.push(required(sp.child('updateStrategy')));
  else if (type === 'OnDelete') {
    if (has(us, 'rollingUpdate')) errs.push(invalid(sp.child('updateStrategy', 'rollingUpdate'), us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (type === 'RollingUpdate') {
    const ru = obj(us, 'rollingUpdate');
    if (ru) {
      nonNegative(ru, 'partition', sp.child('updateStrategy', 'rollingUpdate'), errs);
      if (has(ru, 'maxUnavailable')) {
        const mp = sp.child('updateStrategy', 'rollingUpdate', 'maxUnavailable');
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, mp));
        if (intOrPercentValue(ru.maxUnavailable)?.value === 0) errs.push(invalid(mp, ru.maxUnavailable, 'must be greater than 0'));
        errs.push(...notMoreThan100Percent(ru.maxUnavailable, mp));
      }
    }
  } else {
    errs.push(invalid(sp.child('updateStrategy'), us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = obj(spec, 'persistentVolumeClaimRetentionPolicy');
  for (const k of ['whenDeleted', 'whenScaled']) {
    const v = str(retention, k);
    if (retention && v !== 'Retain' && v !== 'Delete') errs.push(notSupported(sp.child('persistentVolumeClaimRetentionPolicy', k), v, ['Retain', 'Delete']));
  }
  nonNegative(spec, 'replicas', sp, errs);
  nonNegative(spec, 'minReadySeconds', sp, errs);
  validateSelectorAndTemplate(spec, 'statefulset', errs);
  if (old) {
    const mutable = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy'];
    const a: JsonObject = { ...spec };
    const b: JsonObject = { ...(obj(old, 'spec') ?? {}) };
    for (const k of mutable) {
      delete a[k];
      delete b[k];
    }
    if (!deepEqual(a, b)) {
      errs.push(forbidden(sp, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return errs;
}

export function validateDaemonSet(ds: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(ds, old) : validateObjectMeta(ds, true, nameIsDNSSubdomain);
  const spec = obj(ds, 'spec') ?? {};
  validateSelectorAndTemplate(spec, 'daemonset', errs);
  nonNegative(spec, 'minReadySeconds', sp, errs);
  nonNegative(spec, 'templateGeneration', sp, errs);
  nonNegative(spec, 'revisionHistoryLimit', sp, errs);
  const us = obj(spec, 'updateStrategy') ?? {};
  const type = str(us, 'type');
  if (type === 'RollingUpdate') {
    const ru = obj(us, 'rollingUpdate');
    if (!ru) errs.push(required(sp.child('updateStrategy', 'rollingUpdate')));
    else {
      const p = sp.child('updateStrategy', 'rollingUpdate');
      validateRollingUpdate(ru, p, errs);
      errs.push(...notMoreThan100Percent(ru.maxSurge, p.child('maxSurge')));
    }
  } else if (type !== 'OnDelete') {
    errs.push(notSupported(sp.child('updateStrategy'), us, ['RollingUpdate', 'OnDelete']));
  }
  if (old) validateSelectorImmutable(ds, old, errs);
  return errs;
}

export function validateReplicationController(rc: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(rc, old) : validateObjectMeta(rc, true, nameIsDNSSubdomain);
  const spec = obj(rc, 'spec') ?? {};
  const selector = strMap(spec, 'selector');
  if (Object.keys(selector).length === 0) errs.push(required(sp.child('selector')));
  nonNegative(spec, 'replicas', sp, errs);
  nonNegative(spec, 'minReadySeconds', sp, errs);
  const tpl = obj(spec, 'template');
  if (!tpl) errs.push(required(sp.child('template')));
  else {
    const labels = templateLabels(spec);
    if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      errs.push(invalid(sp.child('template', 'metadata', 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
    }
    errs.push(...validatePodTemplateSpec(tpl, sp.child('template')));
    const tspec = obj(tpl, 'spec') ?? {};
    const rp = str(tspec, 'restartPolicy');
    if (rp && rp !== 'Always') errs.push(notSupported(sp.child('template', 'spec', 'restartPolicy'), rp, ['Always']));
    if (has(tspec, 'activeDeadlineSeconds')) errs.push(forbidden(sp.child('template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export function validateControllerRevision(cr: JsonObject, old?: JsonObject): FieldError[] {
  const errs = old ? validateObjectMetaUpdate(cr, old) : validateObjectMeta(cr, true, nameIsDNSSubdomain);
  if (cr.data === undefined || cr.data === null) errs.push(required(new FieldPath('data'), 'data is mandatory'));
  const rev = num(cr, 'revision');
  if (rev !== undefined && rev < 0) errs.push(invalid(new FieldPath('revision'), rev, 'must be greater than or equal to 0'));
  if (old && !deepEqual(cr.data, old.data)) errs.push(invalid(new FieldPath('data'), cr.data ?? null, fieldImmutable));
  return errs;
}
