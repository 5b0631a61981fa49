// Bounding the number of Update entries: kube-apiserver keeps at most 10 and folds the
// oldest into an "ancient-changes" entry per API version, so objects written by many
// different clients do not grow without limit.
import { managerKey, type ManagerState } from './managed-fields.js';

export const maxUpdateManagers = 10;
export const ancientChangesManager = 'ancient-changes';

export function capUpdateManagers(managers: Map<string, ManagerState>, max = maxUpdateManagers): void {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update' && !m.set.isEmpty());
  if (updaters.length <= max) return;
  updaters.sort(([, a], [, b]) => ((a.time ?? '') < (b.time ?? '') ? -1 : (a.time ?? '') > (b.time ?? '') ? 1 : 0));
  let count = updaters.length;
  // The first (oldest) entry of each version becomes the bucket once a second one joins it.
  const firstOfVersion = new Map<string, string>();
  for (const [key, m] of updaters) {
    if (count <= max) break;
    const bucketId = { manager: ancientChangesManager, operation: 'Update' as const, apiVersion: m.apiVersion };
    const bucketKey = managerKey(bucketId);
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, key);
      continue;
    }
    let bucket = managers.get(bucketKey);
    if (!bucket) {
      const firstState = managers.get(first) as ManagerState;
      managers.delete(first);
      bucket = { ...bucketId, time: firstState.time, set: firstState.set };
      managers.set(bucketKey, bucket);
    }
    bucket.set = bucket.set.union(m.set);
    bucket.time = m.time;
    if (key !== bucketKey) managers.delete(key);
    count--;
  }
}
