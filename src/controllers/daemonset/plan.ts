// What a DaemonSet needs done, computed from nodes and pods alone (no I/O, so it is
// tested directly): which nodes need a pod, which pods must go, and the status. Rolling
// updates replace old-revision pods within maxUnavailable, or with maxSurge start the
// new pod first and delete the old one once the new one is available.

import { scaledValue } from '../history/intstr.js';
import { creationMs, isPodAvailable, isPodReady, isTerminating, msUntilAvailable, podPhase, type Pod } from '../history/pods.js';
import { revisionHashLabel } from '../history/revision.js';
import { shouldRunOn, type Node, type PodSpecLike } from './node-fit.js';

export interface DaemonSetSpec {
  selector?: unknown;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpecLike };
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: unknown[];
}

export interface DaemonSetPlan {
  /** Nodes to create a pod of the current revision on. */
  create: string[];
  /** Pods to delete, with why (for events and logs). */
  delete: { pod: Pod; why: string }[];
  status: DaemonSetStatus;
  /** When a ready pod turns available, so the status must be written again. */
  recheckAfterMs?: number;
}

const isFailed = (p: Pod) => podPhase(p) === 'Failed' || podPhase(p) === 'Succeeded';

export function planDaemonSet(spec: DaemonSetSpec, nodes: Node[], podsByNode: Map<string, Pod[]>, hash: string, now: number): DaemonSetPlan {
  const tplSpec = spec.template?.spec ?? {};
  const minReady = spec.minReadySeconds ?? 0;
  const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const plan: DaemonSetPlan = { create: [], delete: [], status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0 } };
  const st = plan.status;
  const isNew = (p: Pod) => p.metadata.labels?.[revisionHashLabel] === hash;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const running = new Map<string, Pod[]>();
  const desired = nodes.filter((n) => shouldRunOn(tplSpec, n)).length;
  const ru = spec.updateStrategy?.rollingUpdate;
  const maxSurge = rolling ? scaledValue(ru?.maxSurge, desired, true, 0) : 0;
  const maxUnavailable = rolling ? scaledValue(ru?.maxUnavailable, desired, true, 1) : 0;

  for (const node of nodes) {
    const name = node.metadata.name!;
    const pods = (podsByNode.get(name) ?? []).filter((p) => !isTerminating(p));
    if (!shouldRunOn(tplSpec, node)) {
      if (pods.length > 0) st.numberMisscheduled++;
      for (const p of pods) plan.delete.push({ pod: p, why: `not to run on node ${name}` });
      continue;
    }
    st.desiredNumberScheduled++;
    const alive: Pod[] = [];
    for (const p of pods) {
      if (isFailed(p)) plan.delete.push({ pod: p, why: `found failed daemon pod on node ${name}, will try to kill it` });
      else alive.push(p);
    }
    if (alive.length === 0) {
      plan.create.push(name);
      continue;
    }
    // More than one: keep the oldest (and, while surging, the oldest new one as well).
    alive.sort((a, b) => creationMs(a) - creationMs(b));
    const keep: Pod[] = [alive[0]];
    if (maxSurge > 0 && !isNew(alive[0])) {
      const firstNew = alive.find(isNew);
      if (firstNew) keep.push(firstNew);
    }
    for (const p of alive) if (!keep.includes(p)) plan.delete.push({ pod: p, why: `more than one daemon pod on node ${name}` });
    running.set(name, keep);
    st.currentNumberScheduled++;
    if (keep.some(isPodReady)) st.numberReady++;
    if (keep.some(available)) st.numberAvailable!++;
    if (keep.some(isNew)) st.updatedNumberScheduled!++;
    for (const p of keep) {
      const left = msUntilAvailable(p, minReady, now);
      if (left !== undefined) plan.recheckAfterMs = Math.min(plan.recheckAfterMs ?? Infinity, left);
    }
  }
  st.numberUnavailable = st.desiredNumberScheduled - st.numberAvailable!;
  if (rolling) rollingUpdate(plan, running, isNew, available, maxSurge, maxUnavailable, st.desiredNumberScheduled - st.currentNumberScheduled);
  return plan;
}

function rollingUpdate(plan: DaemonSetPlan, running: Map<string, Pod[]>, isNew: (p: Pod) => boolean, available: (p: Pod) => boolean, maxSurge: number, maxUnavailable: number, missing: number): void {
  if (maxSurge === 0) {
    // Nodes with no pod at all, or only an unavailable new one, are unavailable already.
    let unavailable = missing;
    const candidates: Pod[] = [];
    for (const pods of running.values()) {
      const p = pods[0];
      if (isNew(p)) {
        if (!available(p)) unavailable++;
      } else if (!available(p)) {
        // Replacing an old pod that is down costs no availability.
        plan.delete.push({ pod: p, why: 'rolling update: old pod unavailable' });
        unavailable++;
      } else candidates.push(p);
    }
    for (const p of candidates.slice(0, Math.max(0, maxUnavailable - unavailable))) plan.delete.push({ pod: p, why: 'rolling update' });
    return;
  }
  let surging = 0;
  const toSurge: string[] = [];
  for (const [node, pods] of running) {
    const fresh = pods.find(isNew);
    const old = pods.filter((p) => !isNew(p));
    if (old.length === 0) continue;
    if (fresh) {
      if (available(fresh)) for (const p of old) plan.delete.push({ pod: p, why: 'rolling update: new pod available' });
      else surging++;
    } else if (!available(old[0])) {
      // An old pod that is down is replaced at once, surge budget or not.
      plan.create.push(node);
    } else toSurge.push(node);
  }
  plan.create.push(...toSurge.slice(0, Math.max(0, maxSurge - surging)));
}
