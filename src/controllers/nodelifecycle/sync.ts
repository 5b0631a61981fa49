// One sync of one node: has its kubelet been heard from within the grace period (a
// renewed Lease or a new Ready heartbeat, timed by this controller's own clock when it
// sees the change, so clock skew between machines does not matter)? If not, its
// conditions become Unknown. Then the lifecycle taints follow the Ready condition, the
// pods of a node that is not ready are marked not ready, and pods that do not tolerate
// the node's NoExecute taints are evicted (deleted), at once or after tolerationSeconds.

import type { Clock } from '../../client/clock.js';
import type { SyncResult } from '../../client/controller.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { evictionTime, reconcileTaints, type Taint, type Toleration } from './taints.js';

export interface Condition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NodeObj extends KObject {
  spec?: { taints?: Taint[]; [k: string]: unknown };
  status?: { conditions?: Condition[]; [k: string]: unknown };
}

export interface PodObj extends KObject {
  spec?: { nodeName?: string; tolerations?: Toleration[]; [k: string]: unknown };
  status?: { phase?: string; conditions?: Condition[]; [k: string]: unknown };
}

export const nodeLeaseNamespace = 'kube-node-lease';
export const nodeByNameIndex = 'nodeName';

/** When this controller last saw each node's kubelet show a sign of life. */
export class ProbeTimes {
  private readonly seen = new Map<string, { signature: string; at: number }>();

  /** Records the signature (changes whenever the kubelet reports); answers when it last changed. */
  observe(node: string, signature: string, now: number): number {
    const prev = this.seen.get(node);
    if (prev && prev.signature === signature) return prev.at;
    this.seen.set(node, { signature, at: now });
    return now;
  }

  forget(node: string): void {
    this.seen.delete(node);
  }
}

export interface NodeSyncDeps {
  client: RestClient;
  log: Logger;
  clock: Clock;
  gracePeriodMs: number;
  nodes: Lister<NodeObj>;
  leases: Lister<KObject>;
  pods: Lister<PodObj>;
  probes: ProbeTimes;
}

const monitoredConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export async function syncNode(name: string, d: NodeSyncDeps): Promise<SyncResult | void> {
  let node = d.nodes.get('', name);
  if (!node) {
    d.probes.forget(name);
    return;
  }
  const now = d.clock.now();
  const lease = d.leases.get(nodeLeaseNamespace, name);
  const renew = (lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? '';
  const beat = readyOf(node)?.lastHeartbeatTime ?? '';
  const lastSeen = d.probes.observe(name, `${renew}|${beat}`, now);
  let requeue = Math.max(1000, lastSeen + d.gracePeriodMs - now + 1);

  if (now - lastSeen > d.gracePeriodMs && readyOf(node)?.status !== 'Unknown') {
    node = await markUnknown(node, now, d);
    requeue = 5000;
  }
  const ready = readyOf(node)?.status;
  const taints = reconcileTaints(node.spec?.taints ?? [], ready, rfc3339(now));
  if (taints) {
    node = await d.client.patch<NodeObj>(`/api/v1/nodes/${encodeURIComponent(name)}`, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints } }, 'merge');
    d.log.info(`node lifecycle: node ${name} Ready=${ready ?? 'none'}, taints now ${(node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).join(',') || 'none'}`);
  }
  const pods = d.pods.byIndex(nodeByNameIndex, name).filter((p) => !p.metadata.deletionTimestamp);
  if (ready !== 'True') for (const p of pods) await markPodNotReady(p, now, d);
  const next = await evictPods(node, pods, now, d);
  if (next !== undefined) requeue = Math.min(requeue, Math.max(100, next - now));
  return { requeueAfterMs: requeue };
}

function readyOf(node: NodeObj): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

async function markUnknown(node: NodeObj, now: number, d: NodeSyncDeps): Promise<NodeObj> {
  const name = node.metadata.name as string;
  const ts = rfc3339(now);
  const conds = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of monitoredConditions) {
    const c = conds.find((x) => x.type === type);
    const message = c ? 'Kubelet stopped posting node status.' : 'Kubelet never posted node status.';
    if (!c) conds.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message, lastHeartbeatTime: ts, lastTransitionTime: ts });
    else if (c.status !== 'Unknown') Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message, lastTransitionTime: ts });
  }
  d.log.warn(`node lifecycle: node ${name} has not been heard from for ${Math.round(d.gracePeriodMs / 1000)}s; conditions Unknown`);
  return d.client.patch<NodeObj>(`/api/v1/nodes/${encodeURIComponent(name)}/status`, { metadata: { resourceVersion: node.metadata.resourceVersion }, status: { conditions: conds } }, 'merge');
}

async function markPodNotReady(pod: PodObj, now: number, d: NodeSyncDeps): Promise<void> {
  const conds = (pod.status?.conditions ?? []).map((c) => ({ ...c }));
  const ready = conds.find((c) => c.type === 'Ready');
  if (ready?.status === 'False') return;
  const ts = rfc3339(now);
  if (ready) Object.assign(ready, { status: 'False', lastTransitionTime: ts });
  else conds.push({ type: 'Ready', status: 'False', lastTransitionTime: ts });
  try {
    await d.client.patch(`/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? '')}/pods/${encodeURIComponent(pod.metadata.name ?? '')}/status`, { metadata: { resourceVersion: pod.metadata.resourceVersion }, status: { conditions: conds } }, 'merge');
  } catch (err) {
    // A pod gone or changed since the cache saw it is looked at again on the next sync.
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}

/** Deletes pods whose time on the node's NoExecute taints is up; answers the next deadline. */
async function evictPods(node: NodeObj, pods: PodObj[], now: number, d: NodeSyncDeps): Promise<number | undefined> {
  const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
  if (taints.length === 0) return undefined;
  let next: number | undefined;
  for (const pod of pods) {
    const when = evictionTime(taints, pod.spec?.tolerations ?? [], now);
    if (when === 'never') continue;
    if (when !== 'now' && when > now) {
      next = next === undefined ? when : Math.min(next, when);
      continue;
    }
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    try {
      await d.client.delete(`/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? '')}/pods/${encodeURIComponent(pod.metadata.name ?? '')}`, { preconditions: { uid: pod.metadata.uid } });
      d.log.info(`node lifecycle: evicted pod ${key} from node ${node.metadata.name} (NoExecute taint ${taints.map((t) => t.key).join(',')})`);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
  return next;
}
