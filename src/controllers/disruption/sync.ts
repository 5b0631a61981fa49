// One sync of one PodDisruptionBudget: the pods its selector picks in its namespace,
// how many are healthy, how many must be, and the status written when it differs. A
// failure to work out the expected count (a pod without a controller, say) is written
// as a SyncFailed condition with no disruptions allowed, as Kubernetes' fail-safe does,
// so an eviction never goes through on a guess.

import type { Clock } from '../../client/clock.js';
import type { SyncResult } from '../../client/controller.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../api/selectors/index.js';
import { countHealthy, desiredHealthy, liveDisruptions, needsScale, type PdbSpec, type PodView } from './budget.js';
import { expectedFromScale, NoControllerError } from './scale.js';

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; observedGeneration?: number }[];
}

export interface PdbObj extends KObject {
  spec?: PdbSpec & { selector?: LabelSelectorObject | null };
  status?: PdbStatus;
}

export interface PodObj extends KObject {
  status?: { conditions?: { type: string; status: string }[] };
}

export interface PdbSyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  pdbs: Lister<PdbObj>;
  pods: Lister<PodObj>;
}

export function selectorMatches(pdb: PdbObj, labels: Record<string, string>): boolean {
  try {
    return labelSelectorFromObject(pdb.spec?.selector).matches(labels);
  } catch {
    return false;
  }
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export async function syncPdb(key: string, d: PdbSyncDeps): Promise<SyncResult | void> {
  const pdb = d.pdbs.getByKey(key);
  if (!pdb) return;
  const ns = pdb.metadata.namespace ?? '';
  const pods = d.pods.list(ns).filter((p) => selectorMatches(pdb, p.metadata.labels ?? {}));
  const views: PodView[] = pods.map((p) => ({
    name: p.metadata.name ?? '',
    deleting: !!p.metadata.deletionTimestamp,
    ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  }));
  const now = d.clock.now();
  const spec = pdb.spec ?? {};
  const { kept, recheckAt } = liveDisruptions(pdb.status?.disruptedPods ?? {}, views, now);
  let status: PdbStatus;
  try {
    const expected = needsScale(spec) ? await expectedFromScale(d.client, ns, pods) : pods.length;
    const desired = desiredHealthy(spec, expected);
    const healthy = countHealthy(views, kept);
    const allowed = Math.max(0, healthy - desired);
    status = {
      ...pdb.status,
      observedGeneration: pdb.metadata.generation,
      disruptedPods: kept,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: withCondition(pdb, allowed > 0 ? 'True' : 'False', allowed > 0 ? 'SufficientPods' : 'InsufficientPods', '', now),
    };
  } catch (err) {
    if (!(err instanceof NoControllerError)) throw err;
    d.log.warn(`disruption: ${key}: ${err.message}`);
    status = { ...pdb.status, observedGeneration: pdb.metadata.generation, disruptionsAllowed: 0, conditions: withCondition(pdb, 'False', 'SyncFailed', err.message, now) };
  }
  if (JSON.stringify(status) !== JSON.stringify(pdb.status ?? {})) {
    const body = { ...structuredClone(pdb), status };
    try {
      await d.client.update(`/apis/policy/v1/namespaces/${encodeURIComponent(ns)}/poddisruptionbudgets/${encodeURIComponent(pdb.metadata.name ?? '')}/status`, body);
    } catch (err) {
      // A newer budget (an eviction spent it) brings its own event and sync.
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  }
  if (recheckAt !== undefined) return { requeueAfterMs: Math.max(100, recheckAt - now + 1) };
}

function withCondition(pdb: PdbObj, status: string, reason: string, message: string, now: number): NonNullable<PdbStatus['conditions']> {
  const others = (pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
  const prev = (pdb.status?.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
  const lastTransitionTime = prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now);
  return [...others, { type: 'DisruptionAllowed', status, reason, message, lastTransitionTime, observedGeneration: pdb.metadata.generation }];
}
