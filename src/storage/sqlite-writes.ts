// One write inside a batch transaction: the compare-and-swap check against the key's
// newest row, then the appended row. The check runs inside the batch, after the writes
// queued before it, so concurrent CAS writes to one key are decided in arrival order and
// a failing write only fails itself.

import type { Row, Statements } from './sqlite-schema.js';
import {
  KeyExistsError, KeyNotFoundError, RevisionMismatchError, type KeyValue, type WatchEvent,
} from './store.js';

export type WriteOp =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

export interface Applied {
  /** What the caller gets back: the new version, or for a delete the last live one. */
  result: KeyValue;
  event: WatchEvent;
}

/**
 * Checks op against the key's newest row and appends its row with id = revision.
 * The id is given explicitly (one writer holds the file) so a create's create_revision
 * can be its own id in the same insert; AUTOINCREMENT still records the highest id used.
 * Throws KeyExistsError, KeyNotFoundError or RevisionMismatchError before writing anything.
 */
export function applyWrite(st: Statements, op: WriteOp, revision: number): Applied {
  const last = st.latest.get(op.key);
  const cur = last && last.deleted === 0 ? last : undefined;
  if (op.kind === 'create') {
    if (cur) throw new KeyExistsError(op.key);
  } else {
    if (!cur) throw new KeyNotFoundError(op.key);
    if (op.expected !== undefined && cur.id !== op.expected) {
      throw new RevisionMismatchError(op.key, op.expected, cur.id);
    }
  }
  const prevKv = cur ? rowToKv(cur) : undefined;
  const createRevision = cur ? cur.create_revision : revision;
  const prevRevision = last ? last.id : 0;
  if (op.kind === 'delete') {
    st.insert.run(revision, op.key, 0, 1, createRevision, prevRevision, cur!.value);
    const kv = { key: op.key, value: cur!.value, createRevision, modRevision: revision };
    return { result: prevKv!, event: { type: 'delete', kv, prevKv, revision } };
  }
  st.insert.run(revision, op.key, cur ? 0 : 1, 0, createRevision, prevRevision, op.value);
  const kv = { key: op.key, value: op.value, createRevision, modRevision: revision };
  const event: WatchEvent = { type: 'put', kv, revision };
  if (prevKv) event.prevKv = prevKv;
  return { result: kv, event };
}

export function rowToKv(row: Row): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}
