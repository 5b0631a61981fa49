// ObjectMeta rules common to every kind: name and generateName, namespace presence,
// labels, annotations, owner references, finalizers, and what may not change on update.

import { type FieldError, FieldPath, fieldImmutable, forbidden, goStringSlice, invalid, required, tooLong } from './errors.js';
import { type JsonObject, deepEqual, isObj, num, obj, objs, str, strMap, arr } from './json.js';
import { type NameValidator, isDNS1123Label, isLabelValue, isQualifiedName } from './names.js';

export const totalAnnotationSizeLimit = 256 * 1024;

export function validateLabels(labels: Record<string, string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(p, k, m));
    for (const m of isLabelValue(v)) errs.push(invalid(p, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(p, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > totalAnnotationSizeLimit) errs.push(tooLong(p, totalAnnotationSizeLimit));
  return errs;
}

function validateOwnerReferences(refs: JsonObject[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let controller = '';
  refs.forEach((ref, i) => {
    const ip = p.index(i);
    const apiVersion = str(ref, 'apiVersion');
    if (!apiVersion) errs.push(required(ip.child('apiVersion'), 'must not be empty'));
    else if (apiVersion.split('/').length > 2 || apiVersion.endsWith('/')) errs.push(invalid(ip.child('apiVersion'), apiVersion, 'must be <group>/<version> or <version>'));
    if (!str(ref, 'kind')) errs.push(required(ip.child('kind'), 'must not be empty'));
    if (!str(ref, 'name')) errs.push(required(ip.child('name'), 'must not be empty'));
    if (!str(ref, 'uid')) errs.push(required(ip.child('uid'), 'must not be empty'));
    if (apiVersion === 'v1' && str(ref, 'kind') === 'Event') errs.push(invalid(ip, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) {
      const cur = `${str(ref, 'kind')}/${str(ref, 'name')}`;
      if (controller) errs.push(invalid(p, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${cur}`));
      else controller = cur;
    }
  });
  return errs;
}

function validateFinalizers(finalizers: unknown[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = finalizers.filter((x): x is string => typeof x === 'string');
  for (const f of names) for (const m of isQualifiedName(f)) errs.push(invalid(p, f, m));
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    errs.push(invalid(p, goStringSlice(names), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function validateCommon(meta: JsonObject, namespaced: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(meta, 'namespace');
  if (namespaced) {
    if (!ns) errs.push(required(p.child('namespace')));
    else for (const m of isDNS1123Label(ns)) errs.push(invalid(p.child('namespace'), ns, m));
  } else if (ns) {
    errs.push(forbidden(p.child('namespace'), 'not allowed on this type'));
  }
  const gen = num(meta, 'generation');
  if (gen !== undefined && gen < 0) errs.push(invalid(p.child('generation'), gen, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(strMap(meta, 'labels'), p.child('labels')));
  errs.push(...validateAnnotations(strMap(meta, 'annotations'), p.child('annotations')));
  errs.push(...validateOwnerReferences(objs(meta, 'ownerReferences'), p.child('ownerReferences')));
  errs.push(...validateFinalizers(arr(meta, 'finalizers'), p.child('finalizers')));
  return errs;
}

/** metadata on create: name (or generateName) by the kind's rule, then the common rules. */
export function validateObjectMeta(o: JsonObject, namespaced: boolean, nameFn: NameValidator, p = new FieldPath('metadata')): FieldError[] {
  const meta = obj(o, 'metadata') ?? {};
  const errs: FieldError[] = [];
  const gen = str(meta, 'generateName');
  if (gen) for (const m of nameFn(gen, true)) errs.push(invalid(p.child('generateName'), gen, m));
  const name = str(meta, 'name');
  if (!name) errs.push(required(p.child('name'), 'name or generateName is required'));
  else for (const m of nameFn(name, false)) errs.push(invalid(p.child('name'), name, m));
  return errs.concat(validateCommon(meta, namespaced, p));
}

/** metadata on update: identity fields are immutable, the rest revalidated. */
export function validateObjectMetaUpdate(o: JsonObject, old: JsonObject, p = new FieldPath('metadata')): FieldError[] {
  const meta = obj(o, 'metadata') ?? {};
  const oldMeta = obj(old, 'metadata') ?? {};
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp) {
    const before = new Set(arr(oldMeta, 'finalizers'));
    const added = arr(meta, 'finalizers').filter((f) => !before.has(f));
    if (added.length) {
      errs.push(forbidden(p.child('finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${[...new Set(added)].sort().map((x) => JSON.stringify(x)).join(', ')}}`));
    }
  }
  const gen = num(meta, 'generation');
  const oldGen = num(oldMeta, 'generation');
  if (gen !== undefined && gen < 0) errs.push(invalid(p.child('generation'), gen, 'must be greater than or equal to 0'));
  if (gen !== undefined && oldGen !== undefined && gen < oldGen) errs.push(invalid(p.child('generation'), gen, 'must not be decremented'));
  for (const k of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    if (!deepEqual(meta[k] ?? emptyOf(k), oldMeta[k] ?? emptyOf(k))) errs.push(invalid(p.child(k), meta[k] ?? emptyOf(k), fieldImmutable));
  }
  errs.push(...validateLabels(strMap(meta, 'labels'), p.child('labels')));
  errs.push(...validateAnnotations(strMap(meta, 'annotations'), p.child('annotations')));
  errs.push(...validateOwnerReferences(objs(meta, 'ownerReferences'), p.child('ownerReferences')));
  return errs;
}

// Go compares typed zero values: an absent string field is "", an absent pointer is null.
function emptyOf(k: string): unknown {
  return k === 'deletionTimestamp' || k === 'deletionGracePeriodSeconds' ? null : '';
}

/** Validates a metav1.LabelSelector at p. */
export function validateLabelSelector(sel: unknown, p: FieldPath): FieldError[] {
  if (!isObj(sel)) return [];
  const errs = validateLabels(strMap(sel, 'matchLabels'), p.child('matchLabels'));
  objs(sel, 'matchExpressions').forEach((req, i) => {
    const ip = p.child('matchExpressions').index(i);
    const op = str(req, 'operator');
    const values = arr(req, 'values');
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(ip.child('values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(ip.child('values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    } else {
      errs.push(invalid(ip.child('operator'), op, 'not a valid selector operator'));
    }
    const key = str(req, 'key');
    for (const m of isQualifiedName(key)) errs.push(invalid(ip.child('key'), key, m));
    values.forEach((v, j) => {
      if (typeof v === 'string') for (const m of isLabelValue(v)) errs.push(invalid(ip.child('values').index(j), v, m));
    });
  });
  return errs;
}

/** Whether a metav1.LabelSelector matches a label set (an empty selector matches all). */
export function selectorMatches(sel: unknown, labels: Record<string, string>): boolean {
  if (!isObj(sel)) return false;
  for (const [k, v] of Object.entries(strMap(sel, 'matchLabels'))) if (labels[k] !== v) return false;
  for (const req of objs(sel, 'matchExpressions')) {
    const key = str(req, 'key');
    const values = arr(req, 'values');
    const present = Object.prototype.hasOwnProperty.call(labels, key);
    switch (str(req, 'operator')) {
      case 'In': if (!present || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (present && values.includes(labels[key])) return false; break;
      case 'Exists': if (!present) return false; break;
      case 'DoesNotExist': if (present) return false; break;
      default: return false;
    }
  }
  return true;
}

export function selectorIsEmpty(sel: unknown): boolean {
  return !isObj(sel) || (Object.keys(strMap(sel, 'matchLabels')).length === 0 && objs(sel, 'matchExpressions').length === 0);
}
