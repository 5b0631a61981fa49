// Adoption and release, as Kubernetes' ControllerRefManager does it: a controller claims
// the objects its selector matches that have no controller yet (adopting them with a
// controller reference), keeps those it already controls while they still match, and
// releases those it controls that no longer match. Before the first adoption it reads
// itself fresh from the API server: a controller that was deleted (or deleted and
// recreated under the same name) must not adopt anything on the strength of a stale
// cache.

import { ApiStatusError, isNotFound } from '../../client/errors.js';
import type { LabelSelector } from '../../api/selectors/index.js';
import type { KObject } from '../../client/types.js';
import { controllerRefOf } from './owner-refs.js';

export class ClaimError extends Error {
  override name = 'ClaimError';
  constructor(message: string, readonly causes: unknown[]) {
    super(message, { cause: causes[0] });
  }
}

/** The controller cannot adopt: it is gone, replaced, or being deleted. */
export class CannotAdoptError extends Error {
  override name = 'CannotAdoptError';
}

export interface ClaimOptions<T extends KObject> {
  owner: KObject;
  selector: LabelSelector;
  /** Adds the controller reference; resolves to the updated object. */
  adopt(obj: T): Promise<T>;
  /** Removes the controller reference. */
  release(obj: T): Promise<void>;
  /** A fresh read of the owner (not from the cache); throws NotFound if it is gone. */
  getFreshOwner(): Promise<KObject>;
}

/** Answers the objects the owner controls after adoption and release. */
export async function claimObjects<T extends KObject>(objects: readonly T[], opts: ClaimOptions<T>): Promise<T[]> {
  const owner = opts.owner;
  const ownerUid = owner.metadata.uid;
  const claimed: T[] = [];
  const errs: unknown[] = [];
  let recheck: Promise<void> | undefined;
  const canAdopt = () => (recheck ??= recheckOwner(opts));
  for (const obj of objects) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue; // someone else's
      if (opts.selector.matches(obj.metadata.labels)) {
        claimed.push(obj);
        continue;
      }
      // A controller being deleted keeps what it has, so the garbage collector finds it.
      if (owner.metadata.deletionTimestamp) continue;
      try {
        await opts.release(obj);
      } catch (err) {
        // Gone, or no longer ours (Invalid: the uid precondition failed): nothing to release.
        if (!isNotFound(err) && !(err instanceof ApiStatusError && err.code === 422)) errs.push(err);
      }
      continue;
    }
    // An orphan.
    if (owner.metadata.deletionTimestamp || !opts.selector.matches(obj.metadata.labels)) continue;
    if (obj.metadata.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) continue;
    try {
      await canAdopt();
      claimed.push(await opts.adopt(obj));
    } catch (err) {
      if (!isNotFound(err)) errs.push(err);
    }
  }
  if (errs.length > 0) {
    const first = errs[0] as Error;
    throw new ClaimError(`${errs.length} adoption/release error(s), first: ${first?.message ?? String(first)}`, errs);
  }
  return claimed;
}

async function recheckOwner<T extends KObject>(opts: ClaimOptions<T>): Promise<void> {
  const o = opts.owner.metadata;
  let fresh: KObject;
  try {
    fresh = await opts.getFreshOwner();
  } catch (err) {
    if (isNotFound(err)) throw new CannotAdoptError(`original ${o.namespace}/${o.name} is gone`);
    throw err;
  }
  if (fresh.metadata.uid !== o.uid) {
    throw new CannotAdoptError(`original ${o.namespace}/${o.name} is gone: got uid ${fresh.metadata.uid}, wanted ${o.uid}`);
  }
  if (fresh.metadata.deletionTimestamp) {
    throw new CannotAdoptError(`${o.namespace}/${o.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
}
