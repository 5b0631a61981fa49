// Server-side apply (PATCH with application/apply-patch+yaml): merge the applied
// configuration into the live object, drop what this manager applied last time and no
// longer applies (unless someone else owns it), and refuse to change fields other
// managers own unless forced, which then takes them over.
import { deepEqual, isObject, type JsonObject } from '../patch/json.js';
import { rootNode, type SchemaContext } from '../patch/schema-walk.js';
import { capUpdateManagers } from './cap-managers.js';
import { compareObjects } from './compare.js';
import { ApplyConflictError, ApplyError, type ApplyConflict } from './errors.js';
import { FieldSet, pathString } from './fieldset.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  managerKey,
  ownable,
  withManagedFields,
  withoutManagedFields,
  type ManagedFieldsEntry,
  type ManagerState,
} from './managed-fields.js';
import { mergeApplied } from './merge.js';
import { removeFields } from './remove.js';
import { fieldSetOfNode } from './typed.js';

/** The manager kube-apiserver gives the fields of an untracked object on its first apply. */
export const beforeFirstApplyManager = 'before-first-apply';

export interface ServerSideApplyOptions {
  /** The object as stored, with its managedFields; undefined when apply creates it. */
  live: JsonObject | undefined;
  /** The applied configuration (the request body, parsed from YAML or JSON). */
  applied: JsonObject;
  /** The fieldManager query parameter (required for apply; see fieldManagerFor). */
  manager: string;
  /** `force=true`: take over conflicting fields instead of failing. Default false. */
  force?: boolean;
  /** The object's schema; without it every map is granular and every list atomic. */
  schemaCtx?: SchemaContext;
  now: Date;
  /** Version recorded in the entry. Default: the applied configuration's apiVersion. */
  apiVersion?: string;
  /** 'status' or 'scale' when applying to a subresource. */
  subresource?: string;
  /** Fields the request may not own or change, e.g. `status` on the main resource. */
  ignoredFields?: FieldSet;
}

export interface ApplyResult {
  /** The new object, its metadata.managedFields set. */
  object: JsonObject;
  managedFields: ManagedFieldsEntry[];
  /** False when the object (managedFields aside) is unchanged. */
  changed: boolean;
}

export function serverSideApply(opts: ServerSideApplyOptions): ApplyResult {
  const { applied, manager } = opts;
  if (!isObject(applied)) throw new ApplyError('the applied configuration must be an object', 400);
  if (isObject(applied.metadata) && applied.metadata.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw new ApplyError('metadata.managedFields must be nil', 400);
  }
  const root = rootNode(opts.schemaCtx);
  const liveObj = opts.live ? withoutManagedFields(opts.live) : {};
  const managers = decodeManagedFields(isObject(opts.live?.metadata) ? opts.live.metadata.managedFields : undefined);
  const apiVersion = opts.apiVersion ?? (typeof applied.apiVersion === 'string' ? applied.apiVersion : '');
  if (opts.live && managers.size === 0) {
    // An object nobody tracked yet (written before managed fields existed): its current
    // fields belong to "before-first-apply", so a first apply cannot silently change them.
    const prior = { manager: beforeFirstApplyManager, operation: 'Update' as const, apiVersion, set: ownable(fieldSetOfNode(liveObj, root), opts.ignoredFields) };
    managers.set(managerKey(prior), prior);
  }
  const id = { manager, operation: 'Apply' as const, apiVersion, subresource: opts.subresource };
  const key = managerKey(id);
  const previous = managers.get(key);
  const appliedSet = ownable(fieldSetOfNode(applied, root), opts.ignoredFields);

  let merged = mergeApplied(liveObj, applied, root);
  const mine: ManagerState = { ...id, time: previous?.time, set: appliedSet };
  managers.set(key, mine);
  if (previous) merged = removeFields(merged, dropped(previous.set, managers), root);

  // Ownership follows the change: others lose what was removed, and (when forced) what
  // this apply changed; unforced, changing another's field is a conflict.
  const cmp = compareObjects(liveObj, merged, root);
  const changedSet = ownable(cmp.added.union(cmp.modified), opts.ignoredFields);
  const conflicts: ApplyConflict[] = [];
  for (const [k, m] of managers) {
    if (k === key) continue;
    const taken = m.set.intersection(changedSet);
    for (const p of taken.paths()) {
      conflicts.push({ manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, subresource: m.subresource, field: pathString(p) });
    }
    m.set = m.set.difference(taken).difference(cmp.removed);
  }
  if (conflicts.length > 0 && !opts.force) throw new ApplyConflictError(conflicts);

  const changed = !deepEqual(liveObj, merged);
  if (changed || !previous || !previous.set.equals(appliedSet) || mine.time === undefined) mine.time = formatTime(opts.now);
  capUpdateManagers(managers);
  const managedFields = encodeManagedFields(managers.values());
  return { object: withManagedFields(merged, managedFields), managedFields, changed };
}

/** Fields applied last time, not applied now, that no manager (this one included) still owns. */
function dropped(last: FieldSet, managers: Map<string, ManagerState>): FieldSet {
  let owned = FieldSet.empty();
  for (const m of managers.values()) owned = owned.union(m.set);
  return FieldSet.of(last.paths().filter((p) => !owned.hasAtOrBelow(p)));
}
