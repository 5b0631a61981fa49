// Finding (or making) a deployment's new ReplicaSet and keeping revisions in step
// (Kubernetes' getAllReplicaSetsAndSyncRevision and getNewReplicaSet). The new
// ReplicaSet is named `<deployment>-<pod-template-hash>`, so a second attempt to create
// it finds the first: AlreadyExists with an equal template and our controller reference
// is success, anything else is a hash collision, cured by bumping collisionCount.

import { isAlreadyExists } from '../../client/errors.js';
import { computePodTemplateHash, controllerRefOf, isNamespaceTerminating, newControllerRef, podTemplateHashLabel, type Deployment, type LabelSelectorObject, type ReplicaSet } from '../controller-utils/index.js';
import { maxRevision, revisionAnnotation, setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { conditionProgressing, getCondition, newCondition, reasons, setCondition } from './conditions.js';
import { updateStatus, type DeploymentSyncContext } from './context.js';
import { newRSNewReplicas } from './rolling-math.js';
import { hasProgressDeadline } from './progress.js';
import { equalIgnoreHash, findNewReplicaSet, findOldReplicaSets } from './replicasets.js';

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

export async function getAllReplicaSetsAndSyncRevision(ctx: DeploymentSyncContext, d: Deployment, cached: readonly ReplicaSet[], createIfMissing: boolean): Promise<ReplicaSetsOfDeployment> {
  const rsList = cached.map((rs) => ctx.latest(rs));
  const { all } = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, all, createIfMissing);
  return { newRS, oldRSs: all };
}

function selectorWithHash(sel: LabelSelectorObject | null | undefined, hash: string): LabelSelectorObject {
  const out = structuredClone(sel ?? {});
  out.matchLabels = { ...(out.matchLabels ?? {}), [podTemplateHashLabel]: hash };
  return out;
}

async function getNewReplicaSet(ctx: DeploymentSyncContext, d: Deployment, rsList: readonly ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  const ns = d.metadata.namespace ?? '';
  if (existing) {
    const rs = structuredClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (annotationsChanged || (rs.spec?.minReadySeconds ?? 0) !== minReady) {
      rs.spec = { ...rs.spec, minReadySeconds: minReady };
      if (!minReady) delete rs.spec.minReadySeconds;
      return ctx.api.updateReplicaSet(rs);
    }
    let needsUpdate = setDeploymentRevision(d, rs.metadata.annotations?.[revisionAnnotation]);
    // A deployment given a deadline only now: count progress from when we found its RS.
    if (hasProgressDeadline(d) && !getCondition(d.status, conditionProgressing)) {
      d.status ??= {};
      setCondition(d.status, newCondition(conditionProgressing, 'True', reasons.foundNewReplicaSet, `Found new replica set "${rs.metadata.name}"`, ctx.clock.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await updateStatus(ctx, d);
    return rs;
  }
  if (!create) return undefined;

  const template = structuredClone(d.spec?.template ?? {});
  const hash = computePodTemplateHash(template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
  const fresh: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: ns,
      ownerReferences: [{ ...newControllerRef(d, 'apps/v1', 'Deployment') }],
      labels: { ...template.metadata.labels! },
    },
    spec: { replicas: 0, selector: selectorWithHash(d.spec?.selector, hash), template },
  };
  if (d.spec?.minReadySeconds) fresh.spec!.minReadySeconds = d.spec.minReadySeconds;
  const replicas = newRSNewReplicas(d, [...oldRSs, fresh], fresh);
  fresh.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, fresh, newRevision, false);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await ctx.api.createReplicaSet(ns, fresh);
  } catch (err) {
    if (isAlreadyExists(err)) {
      const found = ctx.replicaSets.get(ns, fresh.metadata.name!);
      if (!found) throw err; // the cache has not caught up; the next sync will see it
      if (controllerRefOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
        created = found;
        alreadyExists = true;
      } else {
        // Someone else's ReplicaSet holds the name: another hash next time.
        d.status ??= {};
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        try {
          await updateStatus(ctx, d);
          ctx.log.info(`deployment ${ns}/${d.metadata.name}: hash collision on ${fresh.metadata.name}; collisionCount now ${d.status.collisionCount}`);
        } catch {
          // The requeue after the error below retries anyway.
        }
        throw err;
      }
    } else if (isNamespaceTerminating(err)) {
      throw err;
    } else {
      const msg = `Failed to create new replica set "${fresh.metadata.name}": ${(err as Error).message}`;
      if (hasProgressDeadline(d)) {
        d.status ??= {};
        setCondition(d.status, newCondition(conditionProgressing, 'False', reasons.failedReplicaSetCreate, msg, ctx.clock.now()));
        await updateStatus(ctx, d).catch(() => undefined);
      }
      void ctx.events.event(d, 'Warning', reasons.failedReplicaSetCreate, msg);
      throw err;
    }
  }
  if (!alreadyExists && replicas > 0) {
    void ctx.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    d.status ??= {};
    setCondition(d.status, newCondition(conditionProgressing, 'True', reasons.newReplicaSet, `Created new replica set "${created.metadata.name}"`, ctx.clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateStatus(ctx, d);
  return created;
}
