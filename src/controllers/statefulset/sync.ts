// One sync of one StatefulSet: revisions (current and update), the plan, PVCs before
// pods, claims of scaled-away ordinals when whenScaled is Delete, old revisions, status.

import type { Clock } from '../../client/clock.js';
import type { SyncResult } from '../../client/controller.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../../client/events.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { controlledBy } from '../history/owner.js';
import { msUntilAvailable, type Pod } from '../history/pods.js';
import { ensureRevision, revisionHashLabel, stableStringify, templateOf, truncateHistory, type ControllerRevision } from '../history/revision.js';
import { putStatus } from '../history/status.js';
import { adoptOrphans } from '../history/adopt.js';
import type { LabelSelectorObject } from '../../api/selectors/index.js';
import { newClaims, newStatefulPod, ordinalOf, type StatefulSet, type StatefulSetSpec } from './identity.js';
import { planStatefulSet } from './plan.js';
import { computeStatus } from './status.js';

export interface StatefulSetSyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  sets: Lister<StatefulSet>;
  pods: Lister<Pod>;
  claims: Lister<KObject>;
  revisions: Lister<ControllerRevision>;
  events?: EventRecorder;
}

const nsPath = (ns: string, resource: string, name?: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/${resource}${name ? `/${encodeURIComponent(name)}` : ''}`;

export async function syncStatefulSet(key: string, d: StatefulSetSyncDeps): Promise<SyncResult | void> {
  const [ns, name] = key.split('/');
  const set = d.sets.get(ns, name);
  if (!set || set.metadata.deletionTimestamp) return;
  const now = d.clock.now();
  const spec = set.spec ?? {};
  // Revisions left by an orphaning delete of a predecessor are ours again, so its pods keep their revision.
  if ((await adoptOrphans(d.client, set, 'apps/v1', 'StatefulSet', spec.selector as LabelSelectorObject | undefined, d.revisions.list(ns), 'apis/apps/v1/controllerrevisions')) > 0) return { requeueAfterMs: 1000 };
  const revisions = controlledBy(d.revisions, ns, set.metadata.uid ?? '');
  const upd = await ensureRevision({ client: d.client, owner: set, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet', template: (spec.template ?? {}) as Record<string, unknown>, revisions, collisionCount: set.status?.collisionCount ?? 0 });
  const updateName = upd.revision.metadata.name!;
  const currentRev = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? upd.revision;
  const currentName = currentRev.metadata.name!;

  if ((await adoptOrphans(d.client, set, 'apps/v1', 'StatefulSet', spec.selector as LabelSelectorObject | undefined, d.pods.list(ns).filter((p) => ordinalOf(name, p.metadata.name ?? '') !== undefined))) > 0) return { requeueAfterMs: 1000 };
  const pods = new Map<number, Pod>();
  for (const p of controlledBy(d.pods, ns, set.metadata.uid ?? '')) {
    const ord = ordinalOf(name, p.metadata.name ?? '');
    if (ord !== undefined) pods.set(ord, p);
  }
  const actions = planStatefulSet({ spec, pods, currentRevision: currentName, updateRevision: updateName, now });
  for (const a of actions) {
    if (a.kind === 'delete') {
      try {
        await d.client.delete(nsPath(ns, 'pods', a.pod.metadata.name), { preconditions: { uid: a.pod.metadata.uid } });
        d.log.info(`statefulset ${key}: deleted pod ${a.pod.metadata.name}: ${a.why}`);
        d.events?.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${a.pod.metadata.name} in StatefulSet ${name} successful`).catch(() => {});
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      continue;
    }
    const template = a.revision === 'current' ? ((templateOf(currentRev) as StatefulSetSpec['template']) ?? spec.template) : spec.template;
    const revName = a.revision === 'current' ? currentName : updateName;
    await createClaims(set, a.ordinal, d);
    const pod = newStatefulPod(set, template, revName, a.ordinal);
    try {
      await d.client.create(nsPath(ns, 'pods'), pod);
      d.events?.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${name} successful`).catch(() => {});
    } catch (err) {
      // The cache is behind: the pod is there, the next sync sees it.
      if (!isAlreadyExists(err)) throw err;
    }
  }
  await deleteScaledClaims(set, pods, d);

  const live = new Set<string>([updateName, currentName]);
  for (const p of pods.values()) {
    const h = p.metadata.labels?.[revisionHashLabel];
    if (h) live.add(h);
  }
  await truncateHistory(d.client, revisions.filter((r) => r.metadata.name !== updateName), live, spec.revisionHistoryLimit ?? 10);

  const status = computeStatus(set, [...pods.values()], currentName, updateName, upd.collisionCount, now);
  if (stableStringify(status) !== stableStringify(set.status ?? {})) {
    await putStatus(d.client, `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/statefulsets/${encodeURIComponent(name)}`, set, status);
  }
  let recheck: number | undefined;
  for (const p of pods.values()) {
    const left = msUntilAvailable(p, spec.minReadySeconds ?? 0, now);
    if (left !== undefined) recheck = Math.min(recheck ?? Infinity, left);
  }
  return recheck !== undefined ? { requeueAfterMs: Math.max(1, recheck) } : undefined;
}

async function createClaims(set: StatefulSet, ordinal: number, d: StatefulSetSyncDeps): Promise<void> {
  const ns = set.metadata.namespace ?? '';
  for (const claim of newClaims(set, ordinal)) {
    if (d.claims.get(ns, claim.metadata.name!)) continue;
    try {
      await d.client.create(nsPath(ns, 'persistentvolumeclaims'), claim);
      d.events?.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} success`).catch(() => {});
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}

/** whenScaled: Delete removes the claims of ordinals scaled away, once their pod is gone. */
async function deleteScaledClaims(set: StatefulSet, pods: Map<number, Pod>, d: StatefulSetSyncDeps): Promise<void> {
  if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
  const ns = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const start = set.spec.ordinals?.start ?? 0;
  const end = start + (set.spec.replicas ?? 1);
  for (const tmpl of set.spec.volumeClaimTemplates ?? []) {
    const prefix = `${tmpl.metadata?.name}-${name}-`;
    for (const c of d.claims.list(ns)) {
      const n = c.metadata.name ?? '';
      if (!n.startsWith(prefix) || c.metadata.deletionTimestamp) continue;
      const ord = ordinalOf(`${tmpl.metadata?.name}-${name}`, n);
      if (ord === undefined || (ord >= start && ord < end) || pods.has(ord)) continue;
      try {
        await d.client.delete(nsPath(ns, 'persistentvolumeclaims', n));
        d.log.info(`statefulset ${ns}/${name}: deleted claim ${n} of scaled-away ordinal ${ord}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
