import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capUpdateManagers, ancientChangesManager } from './cap-managers.js';
import { FieldSet } from './fieldset.js';
import { managerKey, type ManagerState } from './managed-fields.js';

function managers(n: number): Map<string, ManagerState> {
  const out = new Map<string, ManagerState>();
  for (let i = 0; i < n; i++) {
    const m: ManagerState = { manager: `m${i}`, operation: 'Update', apiVersion: 'v1', time: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`, set: FieldSet.of([[`f:f${i}`]]) };
    out.set(managerKey(m), m);
  }
  const applier: ManagerState = { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', set: FieldSet.of([['f:a']]) };
  out.set(managerKey(applier), applier);
  return out;
}

test('more than 10 Update managers fold the oldest into ancient-changes', () => {
  const ms = managers(13);
  capUpdateManagers(ms);
  const names = [...ms.values()].map((m) => m.manager);
  assert.equal(names.filter((n) => n !== 'kubectl').length, 10);
  assert.ok(names.includes('kubectl'));
  const bucket = [...ms.values()].find((m) => m.manager === ancientChangesManager);
  assert.ok(bucket);
  // m0..m3 went into the bucket: 13 - 10 + 1 entries merged into one.
  assert.deepEqual(bucket.set.paths(), [['f:f0'], ['f:f1'], ['f:f2'], ['f:f3']]);
  assert.equal(bucket.time, '2026-01-01T00:00:03Z');
  assert.ok(!names.includes('m3') && names.includes('m4'));
});

test('ten or fewer are left alone', () => {
  const ms = managers(10);
  capUpdateManagers(ms);
  assert.equal(ms.size, 11);
});
