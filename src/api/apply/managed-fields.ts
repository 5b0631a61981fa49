// metadata.managedFields: decoding the entries into per-manager field sets and encoding
// them back, in the order kube-apiserver writes them.
import { isObject, type JsonObject, type JsonValue } from '../patch/json.js';
import { FieldSet, type FieldsV1 } from './fieldset.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

/** One metadata.managedFields entry, as stored and served. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  /** RFC 3339, second precision. */
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** A manager's ownership while we compute: the entry without its encoded fields. */
export interface ManagerState {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/**
 * A manager's identity: Apply entries are one per manager (and subresource) whatever the
 * version; Update entries are one per manager, version and subresource.
 */
export function managerKey(m: Pick<ManagerState, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

/**
 * Decodes metadata.managedFields. Entries that cannot be read are dropped rather than
 * failing the request, as kube-apiserver resets undecodable managed fields.
 */
export function decodeManagedFields(value: JsonValue | undefined): Map<string, ManagerState> {
  const out = new Map<string, ManagerState>();
  if (!Array.isArray(value)) return out;
  for (const e of value) {
    if (!isObject(e) || typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) continue;
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch {
      continue;
    }
    const state: ManagerState = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      time: typeof e.time === 'string' ? e.time : undefined,
      subresource: typeof e.subresource === 'string' && e.subresource !== '' ? e.subresource : undefined,
      set,
    };
    const key = managerKey(state);
    const prev = out.get(key);
    out.set(key, prev ? { ...state, set: prev.set.union(set) } : state);
  }
  return out;
}

/** Encodes non-empty managers, Apply entries first, then by time, manager, version, subresource. */
export function encodeManagedFields(managers: Iterable<ManagerState>): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const m of managers) {
    if (m.set.isEmpty()) continue;
    // Keys in the order kube-apiserver serialises them.
    entries.push({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time === undefined ? {} : { time: m.time }),
      fieldsType: 'FieldsV1',
      fieldsV1: m.set.toFieldsV1(),
      ...(m.subresource === undefined ? {} : { subresource: m.subresource }),
    });
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(a.time ?? '', b.time ?? '') ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
}

/** Writes entries into a copy's metadata (or removes the field when there are none). */
export function withManagedFields(obj: JsonObject, entries: ManagedFieldsEntry[]): JsonObject {
  const meta: JsonObject = isObject(obj.metadata) ? { ...obj.metadata } : {};
  if (entries.length > 0) meta.managedFields = entries as unknown as JsonValue;
  else delete meta.managedFields;
  return { ...obj, metadata: meta };
}

export function withoutManagedFields(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

/**
 * Fields no manager ever owns: identity and server-set metadata, stripped from every
 * set as kube-apiserver does (only these exact paths; their children stay).
 */
const strippedPaths: string[][] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
];

// Built once; set operations never change their operands.
const stripped = FieldSet.of(strippedPaths);
const managedFieldsItself = FieldSet.of([['f:metadata', 'f:managedFields']]);

/** The set without stripped metadata, and without anything at or under `ignored` (e.g. status on the main resource). */
export function ownable(set: FieldSet, ignored?: FieldSet): FieldSet {
  let out = set.difference(stripped);
  out = out.recursiveDifference(managedFieldsItself);
  return ignored ? out.recursiveDifference(ignored) : out;
}

let lastSecond = NaN;
let lastFormatted = '';

/** RFC 3339 at second precision, as metav1.Time serialises (the last second's text is kept: every write asks). */
export function formatTime(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastFormatted = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastFormatted;
}
