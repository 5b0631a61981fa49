// Pods: READY, the STATUS kubectl users know (Init:1/2, CrashLoopBackOff, Completed,
// Terminating, ...), RESTARTS with the time of the last one, then IP and nodes.

import { type JsonObject, bool, num, obj, objs, str } from '../../api/validation/json.js';
import { parseTime, since } from './duration.js';
import { type Printer, ageCol, col, nameCol } from './types.js';

const nodeUnreachablePodReason = 'NodeLost';

function terminated(state: JsonObject | undefined): JsonObject | undefined {
  return obj(state, 'terminated');
}

function hasCondition(pod: JsonObject, type: string): boolean {
  return objs(obj(pod, 'status'), 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

export interface PodCells {
  ready: string;
  status: string;
  restarts: string;
}

/** The READY, STATUS and RESTARTS cells of a pod at `now`. */
export function podStatusCells(pod: JsonObject, now: Date): PodCells {
  const spec = obj(pod, 'spec') ?? {};
  const status = obj(pod, 'status') ?? {};
  const initSpecs = new Map(objs(spec, 'initContainers').map((c) => [str(c, 'name'), c]));
  const restartable = (name: string): boolean => str(initSpecs.get(name), 'restartPolicy') === 'Always';
  let total = objs(spec, 'containers').length + [...initSpecs.keys()].filter(restartable).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  const phase = str(status, 'phase');
  let reason = str(status, 'reason') || phase;
  for (const c of objs(status, 'conditions')) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const finishedAt = (cs: JsonObject): number => parseTime(str(terminated(obj(cs, 'lastState')), 'finishedAt')) ?? 0;

  const initStatuses = objs(status, 'initContainerStatuses');
  const initCount = initSpecs.size;
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const name = str(cs, 'name');
    restarts += num(cs, 'restartCount') ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    if (restartable(name)) {
      sidecarRestarts += num(cs, 'restartCount') ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    const state = obj(cs, 'state');
    const term = terminated(state);
    const waiting = obj(state, 'waiting');
    if (term && (num(term, 'exitCode') ?? 0) === 0) continue;
    if (restartable(name) && bool(cs, 'started') === true) {
      if (bool(cs, 'ready') === true) ready++;
      continue;
    }
    if (term) {
      const r = str(term, 'reason');
      const sig = num(term, 'signal') ?? 0;
      reason = r ? `Init:${r}` : sig !== 0 ? `Init:Signal:${sig}` : `Init:ExitCode:${num(term, 'exitCode') ?? 0}`;
    } else if (waiting && str(waiting, 'reason') && str(waiting, 'reason') !== 'PodInitializing') {
      reason = `Init:${str(waiting, 'reason')}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(cs, 'restartCount') ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const state = obj(cs, 'state');
      const waiting = obj(state, 'waiting');
      const term = terminated(state);
      if (waiting && str(waiting, 'reason')) reason = str(waiting, 'reason');
      else if (term && str(term, 'reason')) reason = str(term, 'reason');
      else if (term) {
        const sig = num(term, 'signal') ?? 0;
        reason = sig !== 0 ? `Signal:${sig}` : `ExitCode:${num(term, 'exitCode') ?? 0}`;
      } else if (bool(cs, 'ready') === true && obj(state, 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    // A finished container beside a running one: the pod is still running.
    if (reason === 'Completed' && hasRunning) reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!str(obj(pod, 'metadata'), 'deletionTimestamp');
  if (deleting && str(status, 'reason') === nodeUnreachablePodReason) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartsStr = `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`;
  total = Math.max(total, 0);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsStr };
}

export const podPrinter: Printer = {
  columns: [
    nameCol,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol,
    col('IP', 'string', 'IP address allocated to the pod.', 1),
    col('Node', 'string', 'The node the pod is bound to.', 1),
    col('Nominated Node', 'string', 'The node the scheduler nominated for this pod while preempting.', 1),
    col('Readiness Gates', 'string', 'Readiness gates that are true, of those the pod declares.', 1),
  ],
  row(pod, now) {
    const spec = obj(pod, 'spec') ?? {};
    const status = obj(pod, 'status') ?? {};
    const cells = podStatusCells(pod, now);
    const ip = str(objs(status, 'podIPs')[0], 'ip') || str(status, 'podIP') || '<none>';
    const gates = objs(spec, 'readinessGates');
    let gatesCell = '<none>';
    if (gates.length > 0) {
      const conds = objs(status, 'conditions');
      const trueCount = gates.filter((g) => {
        const c = conds.find((x) => str(x, 'type') === str(g, 'conditionType'));
        return c !== undefined && str(c, 'status') === 'True';
      }).length;
      gatesCell = `${trueCount}/${gates.length}`;
    }
    return [
      str(obj(pod, 'metadata'), 'name'), cells.ready, cells.status, cells.restarts, since(str(obj(pod, 'metadata'), 'creationTimestamp'), now),
      ip, str(spec, 'nodeName') || '<none>', str(status, 'nominatedNodeName') || '<none>', gatesCell,
    ];
  },
};

/** Row conditions: finished pods are marked Completed, which lets clients hide them. */
export function podRowConditions(pod: JsonObject): { type: string; status: string; reason: string; message: string }[] {
  const phase = str(obj(pod, 'status'), 'phase');
  if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return [];
}
