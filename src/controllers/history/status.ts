// Writing a status computed from pods: on a conflict (the cached object is behind our
// own last write) the status is put once more on the fresh object, as Kubernetes'
// DaemonSet and StatefulSet controllers do. Only for statuses that are recomputed from
// scratch each sync; a Job's counts must never be written over a newer version.

import { isConflict } from '../../client/errors.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';

export async function putStatus(client: RestClient, path: string, obj: KObject, status: unknown): Promise<void> {
  try {
    await client.update(`${path}/status`, { ...obj, status });
  } catch (err) {
    if (!isConflict(err)) throw err;
    const fresh = await client.get(path);
    // A newer spec means a newer generation: status must not claim to have seen it.
    if (fresh.metadata.generation !== obj.metadata.generation) return;
    await client.update(`${path}/status`, { ...fresh, status });
  }
}
