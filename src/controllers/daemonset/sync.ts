// One sync of one DaemonSet: make sure the current template has a ControllerRevision,
// plan against the cached nodes and pods, create and delete pods, drop old revisions,
// and write status (what `kubectl rollout status ds/x` reads).

import type { Clock } from '../../client/clock.js';
import type { SyncResult } from '../../client/controller.js';
import { isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../../client/events.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import type { Expectations } from '../history/expectations.js';
import { generatedName } from '../history/names.js';
import { controlledBy, newControllerRef } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import { ensureRevision, revisionHashLabel, stableStringify, truncateHistory, type ControllerRevision } from '../history/revision.js';
import { putStatus } from '../history/status.js';
import { adoptOrphans } from '../history/adopt.js';
import type { LabelSelectorObject } from '../../api/selectors/index.js';
import { pinToNode, withDaemonTolerations, type Node } from './node-fit.js';
import { planDaemonSet, type DaemonSetSpec, type DaemonSetStatus } from './plan.js';

export interface DaemonSet extends KObject {
  spec?: DaemonSetSpec;
  status?: DaemonSetStatus;
}

export interface DaemonSetSyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  daemonSets: Lister<DaemonSet>;
  nodes: Lister<Node>;
  pods: Lister<Pod>;
  revisions: Lister<ControllerRevision>;
  expectations: Expectations;
  /** Per `ds/node`: failed pods seen, for the back-off before the next one. */
  failures: Map<string, { count: number; lastMs: number }>;
  events?: EventRecorder;
}

const podsPath = (ns: string, name?: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods${name ? `/${encodeURIComponent(name)}` : ''}`;

export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const tpl = structuredClone(ds.spec?.template ?? {});
  const spec = tpl.spec ?? {};
  spec.affinity = pinToNode(spec, nodeName);
  spec.tolerations = withDaemonTolerations(spec);
  const labels: Record<string, string> = { ...(tpl.metadata?.labels ?? {}), [revisionHashLabel]: hash };
  if (ds.metadata.generation !== undefined) labels['pod-template-generation'] = String(ds.metadata.generation);
  const metadata: KObject['metadata'] = { name: generatedName(ds.metadata.name ?? ''), namespace: ds.metadata.namespace, labels, ownerReferences: [{ ...newControllerRef(ds, 'apps/v1', 'DaemonSet') }] };
  if (tpl.metadata?.annotations) metadata.annotations = { ...tpl.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

function failureBackoffMs(count: number): number {
  return Math.min(1000 * 2 ** Math.max(0, count - 1), 15 * 60_000);
}

export async function syncDaemonSet(key: string, d: DaemonSetSyncDeps): Promise<SyncResult | void> {
  const [ns, name] = key.split('/');
  const ds = d.daemonSets.get(ns, name);
  if (!ds) {
    d.expectations.forget(key);
    return;
  }
  if (ds.metadata.deletionTimestamp) return;
  const now = d.clock.now();
  // Revisions left by an orphaning delete of a predecessor are ours again, so its pods keep their revision.
  if ((await adoptOrphans(d.client, ds, 'apps/v1', 'DaemonSet', ds.spec?.selector as LabelSelectorObject | undefined, d.revisions.list(ns), 'apis/apps/v1/controllerrevisions')) > 0) return { requeueAfterMs: 1000 };
  const revisions = controlledBy(d.revisions, ns, ds.metadata.uid ?? '');
  const cur = await ensureRevision({ client: d.client, owner: ds, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', template: (ds.spec?.template ?? {}) as Record<string, unknown>, revisions, collisionCount: ds.status?.collisionCount ?? 0 });
  // Orphans matching the selector are claimed first; the informer then shows them as ours.
  if ((await adoptOrphans(d.client, ds, 'apps/v1', 'DaemonSet', ds.spec?.selector as LabelSelectorObject | undefined, d.pods.list(ns))) > 0) return { requeueAfterMs: 1000 };
  const pods = controlledBy(d.pods, ns, ds.metadata.uid ?? '');
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const node = p.spec?.nodeName ?? pinnedNode(p);
    if (!node) continue;
    if (!byNode.has(node)) byNode.set(node, []);
    byNode.get(node)!.push(p);
  }
  const plan = planDaemonSet(ds.spec ?? {}, d.nodes.list(), byNode, cur.hash, now);
  let requeueAfterMs = plan.recheckAfterMs;

  if (d.expectations.satisfied(key)) {
    for (const { pod, why } of plan.delete) {
      if (pod.status?.phase === 'Failed') {
        const k = `${key}/${pod.spec?.nodeName ?? ''}`;
        const f = d.failures.get(k) ?? { count: 0, lastMs: 0 };
        d.failures.set(k, { count: f.count + 1, lastMs: now });
        d.events?.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${ns}/${pod.metadata.name} on node ${pod.spec?.nodeName}, will try to kill it`).catch(() => {});
      }
      d.expectations.expectDelete(key, pod.metadata.name!);
      try {
        await d.client.delete(podsPath(ns, pod.metadata.name), { preconditions: { uid: pod.metadata.uid } });
        d.log.info(`daemonset ${key}: deleted pod ${pod.metadata.name}: ${why}`);
      } catch (err) {
        d.expectations.observeDelete(key, pod.metadata.name!);
        if (!isNotFound(err)) throw err;
      }
    }
    for (const node of plan.create) {
      const f = d.failures.get(`${key}/${node}`);
      if (f) {
        const wait = f.lastMs + failureBackoffMs(f.count) - now;
        if (wait > 0) {
          requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, wait);
          continue;
        }
      }
      const pod = newDaemonPod(ds, node, cur.hash);
      d.expectations.expectAdd(key, pod.metadata.name!);
      try {
        await d.client.create(podsPath(ns), pod);
        d.events?.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`).catch(() => {});
      } catch (err) {
        d.expectations.observeAdd(key, pod.metadata.name!);
        throw err;
      }
    }
  }

  const live = new Set<string>([cur.revision.metadata.name!]);
  for (const p of pods) {
    const h = p.metadata.labels?.[revisionHashLabel];
    if (h) live.add(`${name}-${h}`);
  }
  await truncateHistory(d.client, revisions.filter((r) => r.metadata.name !== cur.revision.metadata.name), live, ds.spec?.revisionHistoryLimit ?? 10);

  const status: DaemonSetStatus = { ...plan.status, observedGeneration: ds.metadata.generation };
  if (cur.collisionCount) status.collisionCount = cur.collisionCount;
  if (!status.numberUnavailable) delete status.numberUnavailable;
  if (!status.numberAvailable) delete status.numberAvailable;
  if (!status.updatedNumberScheduled) delete status.updatedNumberScheduled;
  if (ds.status?.conditions) status.conditions = ds.status.conditions;
  if (stableStringify(status) !== stableStringify(ds.status ?? {})) {
    await putStatus(d.client, `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/daemonsets/${encodeURIComponent(name)}`, ds, status);
  }
  return requeueAfterMs !== undefined && Number.isFinite(requeueAfterMs) ? { requeueAfterMs: Math.max(1, requeueAfterMs) } : undefined;
}

/** A daemon pod not bound yet is filed under the node its affinity names. */
function pinnedNode(p: Pod): string | undefined {
  const spec = p.spec as { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values?: string[] }[] }[] } } } } | undefined;
  for (const t of spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
