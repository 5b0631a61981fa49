import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiStatusError } from '../../client/errors.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import type { KObject } from '../../client/types.js';
import { claimObjects, ClaimError } from './claim.js';

const owner: KObject = { metadata: { name: 'rs', namespace: 'ns', uid: 'owner' } };
const ref = (uid: string) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid, controller: true });
const obj = (name: string, labels: Record<string, string>, controller?: string, extra: Partial<KObject['metadata']> = {}): KObject => ({
  metadata: { name, namespace: 'ns', uid: name, labels, ownerReferences: controller ? [ref(controller)] : undefined, ...extra },
});

test('adopts matching orphans, keeps its own, releases non-matching, ignores others', async () => {
  const adopted: string[] = [];
  const released: string[] = [];
  let freshReads = 0;
  const objs = [
    obj('orphan', { app: 'web' }),
    obj('mine', { app: 'web' }, 'owner'),
    obj('strayed', { app: 'other' }, 'owner'),
    obj('theirs', { app: 'web' }, 'someone'),
    obj('dying-orphan', { app: 'web' }, undefined, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    obj('orphan2', { app: 'web' }),
  ];
  const claimed = await claimObjects(objs, {
    owner,
    selector: labelSelectorFromObject({ matchLabels: { app: 'web' } }),
    getFreshOwner: async () => {
      freshReads++;
      return owner;
    },
    adopt: async (o) => {
      adopted.push(o.metadata.name!);
      return o;
    },
    release: async (o) => {
      released.push(o.metadata.name!);
    },
  });
  assert.deepEqual(claimed.map((o) => o.metadata.name), ['orphan', 'mine', 'orphan2']);
  assert.deepEqual(adopted, ['orphan', 'orphan2']);
  assert.deepEqual(released, ['strayed']);
  assert.equal(freshReads, 1, 'the owner is re-read once, before the first adoption');
});

test('an owner that was replaced (new uid) or is being deleted adopts nothing', async () => {
  const selector = labelSelectorFromObject({ matchLabels: { app: 'web' } });
  const base = { selector, adopt: async (o: KObject) => o, release: async () => {} };
  await assert.rejects(
    claimObjects([obj('orphan', { app: 'web' })], { ...base, owner, getFreshOwner: async () => ({ metadata: { ...owner.metadata, uid: 'other' } }) }),
    (err: unknown) => err instanceof ClaimError && /is gone/.test(err.message),
  );
  const dying = { metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  const kept = await claimObjects([obj('orphan', { app: 'web' }), obj('strayed', { app: 'x' }, 'owner')], { ...base, owner: dying, getFreshOwner: async () => dying });
  assert.deepEqual(kept, [], 'no adoption and no release while being deleted');
  // A release of an object already gone is not an error.
  const gone = new ApiStatusError({ code: 404, reason: 'NotFound', message: 'gone' }, 404);
  const r = await claimObjects([obj('strayed', { app: 'x' }, 'owner')], { ...base, owner, getFreshOwner: async () => owner, release: async () => Promise.reject(gone) });
  assert.deepEqual(r, []);
});
