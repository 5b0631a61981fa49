// A Deployment's ReplicaSets: which is the new one (its template equals the
// deployment's, ignoring the hash label), which are old, and their counts.

import { byCreationTimestamp, podTemplateHashLabel, semanticEqual, type Deployment, type PodTemplateSpec, type ReplicaSet } from '../controller-utils/index.js';
import { desiredReplicasOf } from './annotations.js';
import { replicasOf } from './fenceposts.js';

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) delete c.metadata.labels[podTemplateHashLabel];
  return c;
}

/** Templates equal apart from the pod-template-hash label (Kubernetes' EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

/** The oldest ReplicaSet whose template is the deployment's. */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one (all), and those of them with replicas (required). */
export function findOldReplicaSets(d: Deployment, rsList: readonly ReplicaSet[]): { required: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return { all, required: all.filter((rs) => specReplicas(rs) !== 0) };
}

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec?.replicas ?? 0;

export function filterActive(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

const sum = (rss: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number | undefined) =>
  rss.reduce((n, rs) => n + (rs ? f(rs) ?? 0 : 0), 0);

/** Sum of spec.replicas. */
export const replicaCount = (rss: readonly (ReplicaSet | undefined)[]) => sum(rss, (rs) => rs.spec?.replicas);
/** Sum of status.replicas (pods that exist). */
export const actualReplicaCount = (rss: readonly (ReplicaSet | undefined)[]) => sum(rss, (rs) => rs.status?.replicas);
export const readyReplicaCount = (rss: readonly (ReplicaSet | undefined)[]) => sum(rss, (rs) => rs.status?.readyReplicas);
export const availableReplicaCount = (rss: readonly (ReplicaSet | undefined)[]) => sum(rss, (rs) => rs.status?.availableReplicas);

/** The new ReplicaSet runs all the deployment's replicas, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = replicasOf(d);
  return specReplicas(rs) === want && desiredReplicasOf(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/**
 * The one ReplicaSet with replicas, or the newest one when none has any; undefined
 * when several have replicas (Kubernetes' FindActiveOrLatest).
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActive([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}
