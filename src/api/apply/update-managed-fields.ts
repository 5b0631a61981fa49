// Managed fields for ordinary writes (create, update, JSON/merge/strategic patch): the
// writer's manager takes every field it added or changed, others keep the rest, and
// removed fields leave everyone. Clients may reset tracking by sending
// `managedFields: []`; sending none (or an unreadable value) keeps the stored entries.
import { isObject, type JsonObject, type JsonValue } from '../patch/json.js';
import { rootNode, type SchemaContext } from '../patch/schema-walk.js';
import { capUpdateManagers } from './cap-managers.js';
import { compareObjects } from './compare.js';
import { FieldSet } from './fieldset.js';
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

export interface UpdateManagedFieldsOptions {
  /** The stored object before the write; undefined for a create. */
  old: JsonObject | undefined;
  /** The object about to be stored (after patching, before server-set metadata). */
  updated: JsonObject;
  /** From fieldManagerFor: `fieldManager` query parameter or the user agent's prefix. */
  manager: string;
  operation?: 'Update';
  /** The version the request was made in, e.g. 'apps/v1'. */
  apiVersion: string;
  now: Date;
  schemaCtx?: SchemaContext;
  subresource?: string;
  /** Fields the request may not own, e.g. `status` on the main resource. */
  ignoredFields?: FieldSet;
}

export function updateManagedFields(opts: UpdateManagedFieldsOptions): { object: JsonObject; managedFields: ManagedFieldsEntry[] } {
  const root = rootNode(opts.schemaCtx);
  const managers = startingManagers(opts);
  const before = opts.old ? withoutManagedFields(opts.old) : {};
  const after = withoutManagedFields(opts.updated);
  const cmp = compareObjects(before, after, root);
  // Set operations copy their trees; a create (nothing modified or removed) needs none of them.
  const changed = ownable(cmp.modified.isEmpty() ? cmp.added : cmp.added.union(cmp.modified), opts.ignoredFields);
  const removedAny = !cmp.removed.isEmpty();

  const id = { manager: opts.manager, operation: 'Update' as const, apiVersion: opts.apiVersion, subresource: opts.subresource };
  const key = managerKey(id);
  for (const [k, m] of managers) {
    if (k === key) continue;
    m.set = m.set.difference(changed);
    if (removedAny) m.set = m.set.difference(cmp.removed);
  }
  const previous = managers.get(key);
  const kept = previous ? (removedAny ? previous.set.difference(cmp.removed) : previous.set) : undefined;
  const set = kept ? kept.union(changed) : changed;
  const mine: ManagerState = { ...id, time: previous?.time, set };
  if (!previous || !previous.set.equals(set) || mine.time === undefined) mine.time = formatTime(opts.now);
  managers.set(key, mine);
  capUpdateManagers(managers);

  const managedFields = encodeManagedFields(managers.values());
  return { object: withManagedFields(opts.updated, managedFields), managedFields };
}

function startingManagers(opts: UpdateManagedFieldsOptions): Map<string, ManagerState> {
  const stored = (o: JsonObject | undefined): JsonValue | undefined => (isObject(o?.metadata) ? o.metadata.managedFields : undefined);
  if (opts.subresource) return decodeManagedFields(stored(opts.old));
  const sent = stored(opts.updated);
  if (Array.isArray(sent) && (sent.length === 0 || (sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0))) {
    return new Map();
  }
  const decoded = decodeManagedFields(sent);
  return decoded.size > 0 ? decoded : decodeManagedFields(stored(opts.old));
}
