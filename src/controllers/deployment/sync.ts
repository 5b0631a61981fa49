// One pass of the Deployment controller over one Deployment (Kubernetes'
// syncDeployment): claim its ReplicaSets, then, in this order of precedence, only
// report status (being deleted), only scale (paused, or spec.replicas changed), or roll
// out with its strategy. Every step reads the caches and writes through the API, so a
// pass cut short is finished by the next.

import type { SyncResult } from '../../client/controller.js';
import type { Clock } from '../../client/clock.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import { labelSelectorFromObject, type LabelSelector } from '../../api/selectors/index.js';
import { adoptPatch, claimObjects, controllerRefOf, newControllerRef, releasePatch, type Deployment, type Pod, type ReplicaSet } from '../controller-utils/index.js';
import type { DeploymentApi, EventSink } from './api.js';
import { cleanupDeployment } from './cleanup.js';
import { conditionProgressing, getCondition, newCondition, reasons, setCondition } from './conditions.js';
import { rememberingWrites, updateStatus, type DeploymentSyncContext } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replicaset.js';
import { hasProgressDeadline } from './progress.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { UnknownStrategyError } from './rolling-math.js';
import { isScalingEvent, scale } from './scale.js';
import { syncDeploymentStatus } from './status.js';

export interface DeploymentSyncDeps {
  api: DeploymentApi;
  events: EventSink;
  clock: Clock;
  log: Logger;
  deployments: Lister<Deployment>;
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
}

export async function syncDeployment(key: string, deps: DeploymentSyncDeps): Promise<SyncResult | void> {
  const cached = deps.deployments.getByKey(key);
  if (!cached) return;
  const d = structuredClone(cached);
  let requeueAfterMs: number | undefined;
  const { api, latest } = rememberingWrites(deps.api);
  const ctx: DeploymentSyncContext = {
    api,
    latest,
    events: deps.events,
    clock: deps.clock,
    log: deps.log,
    replicaSets: deps.replicaSets,
    requeueAfter: (ms) => {
      requeueAfterMs = requeueAfterMs === undefined ? ms : Math.min(requeueAfterMs, ms);
    },
  };
  await syncOnce(ctx, d, deps);
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}

function selectsEverything(d: Deployment): boolean {
  const sel = d.spec?.selector;
  if (!sel) return false;
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

async function syncOnce(ctx: DeploymentSyncContext, d: Deployment, deps: DeploymentSyncDeps): Promise<void> {
  if (selectsEverything(d)) {
    void ctx.events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
      d.status = { ...d.status, observedGeneration: d.metadata.generation };
      await updateStatus(ctx, d);
    }
    return;
  }
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromObject(d.spec?.selector);
  } catch (err) {
    ctx.log.warn(`deployment ${d.metadata.namespace}/${d.metadata.name}: invalid selector: ${(err as Error).message}`);
    return;
  }
  const rsList = await claimReplicaSets(ctx, d, selector);
  const podMap = podMapFor(d, selector, rsList, deps.pods);

  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
    return syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
  }
  await checkPausedConditions(ctx, d);
  if (d.spec?.paused || (await isScalingEvent(ctx, d, rsList))) return syncScale(ctx, d, rsList);
  const type = d.spec?.strategy?.type ?? 'RollingUpdate';
  if (type === 'Recreate') return rolloutRecreate(ctx, d, rsList, podMap);
  if (type === 'RollingUpdate') return rolloutRolling(ctx, d, rsList);
  throw new UnknownStrategyError(`unexpected deployment strategy type: ${type}`);
}

/** Scaling without rolling out (Kubernetes' sync): paused deployments and resizes. */
async function syncScale(ctx: DeploymentSyncContext, d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  await scale(ctx, d, newRS, oldRSs);
  if (d.spec?.paused) await cleanupDeployment(ctx, oldRSs, d);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

/** Progressing becomes Unknown with DeploymentPaused / DeploymentResumed as pause toggles. */
async function checkPausedConditions(ctx: DeploymentSyncContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, conditionProgressing);
  // A reported timeout is not hidden by pausing.
  if (cond?.reason === reasons.timedOut) return;
  const pausedShown = cond?.reason === reasons.paused;
  const now = ctx.clock.now();
  d.status ??= {};
  if (d.spec?.paused && !pausedShown) {
    setCondition(d.status, newCondition(conditionProgressing, 'Unknown', reasons.paused, 'Deployment is paused', now));
  } else if (!d.spec?.paused && pausedShown) {
    setCondition(d.status, newCondition(conditionProgressing, 'Unknown', reasons.resumed, 'Deployment is resumed', now));
  } else return;
  await updateStatus(ctx, d);
}

function claimReplicaSets(ctx: DeploymentSyncContext, d: Deployment, selector: LabelSelector): Promise<ReplicaSet[]> {
  const ns = d.metadata.namespace ?? '';
  return claimObjects<ReplicaSet>(ctx.replicaSets.list(ns), {
    owner: d,
    selector,
    getFreshOwner: () => ctx.api.getDeployment(ns, d.metadata.name ?? ''),
    adopt: (rs) => ctx.api.patchReplicaSet(ns, rs.metadata.name ?? '', adoptPatch(rs, newControllerRef(d, 'apps/v1', 'Deployment'))),
    release: async (rs) => {
      await ctx.api.patchReplicaSet(ns, rs.metadata.name ?? '', releasePatch(rs, d.metadata.uid ?? ''));
    },
  });
}

/** The deployment's pods (terminating ones too), by their controlling ReplicaSet. */
function podMapFor(d: Deployment, selector: LabelSelector, rsList: readonly ReplicaSet[], pods: Lister<Pod>): PodMap {
  const map: PodMap = new Map();
  for (const rs of rsList) map.set(rs.metadata.uid ?? '', []);
  for (const p of pods.list(d.metadata.namespace ?? '')) {
    if (!selector.matches(p.metadata.labels)) continue;
    const ref = controllerRefOf(p);
    if (ref) map.get(ref.uid)?.push(p);
  }
  return map;
}
