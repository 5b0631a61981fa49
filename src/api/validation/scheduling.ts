// The scheduling parts of a pod spec: affinity, topology spread constraints and
// scheduling gates. The scheduler trusts these to be well formed.

import { type FieldError, FieldPath, duplicate, forbidden, invalid, notSupported, required } from './errors.js';
import { type JsonObject, arr, num, obj, objs, str } from './json.js';
import { isQualifiedName } from './names.js';
import { validateLabelSelector } from './meta.js';

function validateNodeSelectorRequirement(rq: JsonObject, p: FieldPath, errs: FieldError[]): void {
  const op = str(rq, 'operator');
  const values = arr(rq, 'values');
  if (op === 'In' || op === 'NotIn') {
    if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (op === 'Exists' || op === 'DoesNotExist') {
    if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else if (op === 'Gt' || op === 'Lt') {
    if (values.length !== 1) errs.push(required(p.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  } else {
    errs.push(invalid(p.child('operator'), op, 'not a valid selector operator'));
  }
  const key = str(rq, 'key');
  for (const m of isQualifiedName(key)) errs.push(invalid(p.child('key'), key, m));
}

function validateNodeSelectorTerm(term: JsonObject, p: FieldPath, errs: FieldError[]): void {
  objs(term, 'matchExpressions').forEach((rq, i) => validateNodeSelectorRequirement(rq, p.child('matchExpressions').index(i), errs));
  objs(term, 'matchFields').forEach((rq, i) => {
    const fp = p.child('matchFields').index(i);
    if (str(rq, 'key') !== 'metadata.name') errs.push(invalid(fp.child('key'), str(rq, 'key'), 'not a valid field selector key'));
    const op = str(rq, 'operator');
    if (op !== 'In' && op !== 'NotIn') errs.push(invalid(fp.child('operator'), op, 'not a valid selector operator'));
    else if (arr(rq, 'values').length !== 1) errs.push(required(fp.child('values'), 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
  });
}

function validateWeight(w: number | undefined, p: FieldPath, errs: FieldError[]): void {
  if (w === undefined || w < 1 || w > 100) errs.push(invalid(p, w ?? 0, 'must be in the range 1-100'));
}

function validatePodAffinityTerm(term: JsonObject, p: FieldPath, errs: FieldError[]): void {
  if (term.labelSelector !== undefined) errs.push(...validateLabelSelector(term.labelSelector, p.child('labelSelector')));
  if (term.namespaceSelector !== undefined) errs.push(...validateLabelSelector(term.namespaceSelector, p.child('namespaceSelector')));
  const key = str(term, 'topologyKey');
  if (!key) errs.push(required(p.child('topologyKey'), 'can not be empty'));
  else for (const m of isQualifiedName(key)) errs.push(invalid(p.child('topologyKey'), key, m));
}

export function validateAffinity(aff: JsonObject | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!aff) return errs;
  const na = obj(aff, 'nodeAffinity');
  const req = obj(na, 'requiredDuringSchedulingIgnoredDuringExecution');
  if (req) {
    const tp = p.child('nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
    const terms = objs(req, 'nodeSelectorTerms');
    if (terms.length === 0) errs.push(required(tp, 'must have at least one node selector term'));
    terms.forEach((t, i) => validateNodeSelectorTerm(t, tp.index(i), errs));
  }
  objs(na, 'preferredDuringSchedulingIgnoredDuringExecution').forEach((t, i) => {
    const tp = p.child('nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution').index(i);
    validateWeight(num(t, 'weight'), tp.child('weight'), errs);
    validateNodeSelectorTerm(obj(t, 'preference') ?? {}, tp.child('preference'), errs);
  });
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = obj(aff, kind);
    objs(pa, 'requiredDuringSchedulingIgnoredDuringExecution').forEach((t, i) => {
      validatePodAffinityTerm(t, p.child(kind, 'requiredDuringSchedulingIgnoredDuringExecution').index(i), errs);
    });
    objs(pa, 'preferredDuringSchedulingIgnoredDuringExecution').forEach((t, i) => {
      const tp = p.child(kind, 'preferredDuringSchedulingIgnoredDuringExecution').index(i);
      validateWeight(num(t, 'weight'), tp.child('weight'), errs);
      validatePodAffinityTerm(obj(t, 'podAffinityTerm') ?? {}, tp.child('podAffinityTerm'), errs);
    });
  }
  return errs;
}

const scheduleActions = ['DoNotSchedule', 'ScheduleAnyway'];

export function validateTopologySpreadConstraints(list: JsonObject[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const cp = p.index(i);
    const skew = num(c, 'maxSkew') ?? 0;
    if (skew <= 0) errs.push(invalid(cp.child('maxSkew'), skew, 'must be greater than zero'));
    const key = str(c, 'topologyKey');
    if (!key) errs.push(required(cp.child('topologyKey'), 'can not be empty'));
    else for (const m of isQualifiedName(key)) errs.push(invalid(cp.child('topologyKey'), key, m));
    const action = str(c, 'whenUnsatisfiable');
    if (!scheduleActions.includes(action)) errs.push(notSupported(cp.child('whenUnsatisfiable'), action, scheduleActions));
    const minDomains = num(c, 'minDomains');
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(invalid(cp.child('minDomains'), minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') errs.push(invalid(cp.child('minDomains'), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    if (c.labelSelector !== undefined) errs.push(...validateLabelSelector(c.labelSelector, cp.child('labelSelector')));
    const k = `{${key}, ${action}}`;
    if (seen.has(k)) errs.push(duplicate(cp, k));
    seen.add(k);
  });
  return errs;
}

export function validateSchedulingGates(gates: JsonObject[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  gates.forEach((g, i) => {
    const name = str(g, 'name');
    for (const m of isQualifiedName(name)) errs.push(invalid(p.index(i), name, m));
    if (seen.has(name)) errs.push(duplicate(p.index(i), name));
    seen.add(name);
  });
  return errs;
}
