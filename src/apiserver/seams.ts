// The pieces the API server's handlers call but do not implement: selectors, tables,
// patching, field tracking, unknown-field detection, version conversion. Each is a
// small interface so that cli/ wires the real ones and tests may hand in others.

import type { ResourceType } from '../api/resources.js';
import type { KObject } from './kobject.js';

export type ObjectPredicate = (obj: KObject) => boolean;

export interface Selectors {
  /** Throws an ApiError (400) for a malformed selector. */
  labels(selector: string): ObjectPredicate;
  /** Throws an ApiError (400) for a malformed selector or a field the kind does not support. */
  fields(r: ResourceType, selector: string): ObjectPredicate;
  /** The value a field selector requires `field` to equal, if it does (`spec.nodeName=n1`). */
  exactField(selector: string, field: string): string | undefined;
}

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Tables {
  columns(r: ResourceType): TableColumn[];
  row(r: ResourceType, obj: KObject, now: Date): unknown[];
  /** Conditions of a row (a finished pod's is Completed), which kubectl reads to hide or mark it. */
  rowConditions(r: ResourceType, obj: KObject): { type: string; status: string; reason?: string; message?: string }[];
}

export type PatchType = 'json' | 'merge' | 'strategic';

export interface Patcher {
  /** Applies a patch to a copy of current; throws an ApiError for a bad patch. */
  patch(r: ResourceType, type: PatchType, current: KObject, patch: unknown): KObject;
}

export interface FieldManagement {
  /** Server-side apply of `applied` over `live` (undefined when creating); throws an ApiError (409) on conflicts. */
  apply(r: ResourceType, live: KObject | undefined, applied: KObject, manager: string, force: boolean, now: Date): KObject;
  /** Records in updated.metadata.managedFields the fields `manager` changed from old to updated. */
  track(r: ResourceType, old: KObject | undefined, updated: KObject, manager: string, subresource: string | undefined, now: Date): void;
}

export interface FieldChecker {
  /** kube's 400 message when a field has the wrong JSON type (`cannot unmarshal number into ...`), or undefined. */
  typeError(r: ResourceType, obj: unknown): string | undefined;
  /** Paths of fields the kind's schema does not know, e.g. '.spec.foo'. */
  unknownFields(r: ResourceType, obj: unknown): string[];
  /** Paths of keys repeated in a JSON text (JSON.parse keeps only the last). */
  duplicateFields(json: string): string[];
  /** The 400 message of a create or update under Strict. */
  cannotBeHandled(r: ResourceType, unknown: string[], duplicates: string[]): string;
  /** The 400 message of a patch under Strict. */
  strictMessage(unknown: string[], duplicates: string[]): string;
  /** The Warning texts under Warn. */
  warnings(unknown: string[], duplicates: string[]): string[];
}

export interface Converter {
  /** Converts obj (in any served version of r's kind) to the given apiVersion. */
  convert(r: ResourceType, obj: KObject, toApiVersion: string): KObject;
}

export interface ApiSeams {
  selectors: Selectors;
  tables: Tables;
  patcher: Patcher;
  fields: FieldManagement;
  checker: FieldChecker;
  converter: Converter;
}
