// Taints and tolerations, as the node lifecycle controller and its NoExecute taint
// manager use them: which taints a node's Ready condition calls for, whether a
// toleration tolerates a taint, and when a pod on a NoExecute-tainted node must go.

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const unreachableTaintKey = 'node.kubernetes.io/unreachable';
export const notReadyTaintKey = 'node.kubernetes.io/not-ready';
const lifecycleKeys = new Set([unreachableTaintKey, notReadyTaintKey]);

/** The taints owned by this controller that a node with this Ready status must carry. */
export function desiredLifecycleTaints(readyStatus: string | undefined): { key: string; effect: string }[] {
  const key = readyStatus === 'True' ? undefined : readyStatus === 'False' ? notReadyTaintKey : unreachableTaintKey;
  return key ? [{ key, effect: 'NoExecute' }, { key, effect: 'NoSchedule' }] : [];
}

/**
 * The node's taints with the lifecycle ones made to match readyStatus; answers
 * undefined when nothing changes. Taints that stay keep their timeAdded, so toleration
 * clocks do not restart on every sync.
 */
export function reconcileTaints(current: readonly Taint[], readyStatus: string | undefined, nowIso: string): Taint[] | undefined {
  const want = desiredLifecycleTaints(readyStatus);
  const isWanted = (t: Taint) => want.some((w) => w.key === t.key && w.effect === t.effect);
  const next = current.filter((t) => !lifecycleKeys.has(t.key) || isWanted(t));
  for (const w of want) {
    if (next.some((t) => t.key === w.key && t.effect === w.effect)) continue;
    next.push(w.effect === 'NoExecute' ? { ...w, timeAdded: nowIso } : { ...w });
  }
  const same = next.length === current.length && next.every((t, i) => t === current[i]);
  return same ? undefined : next;
}

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  const op = tol.operator ?? 'Equal';
  if (!tol.key) return op === 'Exists';
  if (tol.key !== taint.key) return false;
  if (op === 'Exists') return true;
  return op === 'Equal' && (tol.value ?? '') === (taint.value ?? '');
}

/**
 * When a pod must be evicted from a node with these NoExecute taints: 'now' if some
 * taint has no matching toleration, 'never' if no matching toleration is bounded,
 * else the epoch ms of the earliest deadline (each taint's timeAdded plus the smallest
 * tolerationSeconds that tolerates it), as Kubernetes' taint manager counts.
 */
export function evictionTime(taints: readonly Taint[], tolerations: readonly Toleration[], nowMs: number): 'now' | 'never' | number {
  let earliest: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (matching.length === 0) return 'now';
    const bounded = matching.filter((t) => typeof t.tolerationSeconds === 'number');
    // As in Kubernetes, the smallest bounded toleration decides; only all-unbounded stays.
    if (bounded.length === 0) continue;
    const seconds = Math.max(0, Math.min(...bounded.map((t) => t.tolerationSeconds as number)));
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const at = (Number.isFinite(added) ? added : nowMs) + seconds * 1000;
    earliest = earliest === undefined ? at : Math.min(earliest, at);
  }
  return earliest === undefined ? 'never' : earliest;
}
