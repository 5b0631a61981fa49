// One retry of a write refused as a conflict, when the object changed under us only in
// ways the write does not care about. A controller's cache often lags its own last
// write (its status update, say), so the next write from the cache is refused; if the
// fresh object has the same generation (nobody changed the spec), the write is laid
// over the fresh object and sent again, rather than failing the whole sync. A changed
// generation means the write was computed from an old spec: that conflict stands.

import { isConflict } from '../../client/errors.js';
import type { KObject } from '../../client/types.js';

export async function writeWithRebase<T extends KObject>(
  obj: T,
  write: (o: T) => Promise<T>,
  getFresh: () => Promise<T>,
  rebase: (fresh: T, mine: T) => T,
): Promise<T> {
  try {
    return await write(obj);
  } catch (err) {
    if (!isConflict(err)) throw err;
    const fresh = await getFresh();
    if ((fresh.metadata.generation ?? 0) !== (obj.metadata.generation ?? 0)) throw err;
    return write(rebase(fresh, obj));
  }
}
