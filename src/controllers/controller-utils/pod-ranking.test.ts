import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortPodsForDeletion } from './pod-ranking.js';
import type { Pod } from './types.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readyAgoS?: number; createdAgoS?: number; restarts?: number; cost?: string; uid?: string } = {}): Pod {
  const conditions = o.ready === undefined ? [] : [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: iso(now - (o.readyAgoS ?? 100) * 1000) }];
  return {
    metadata: {
      name,
      uid: o.uid ?? name,
      creationTimestamp: iso(now - (o.createdAgoS ?? 1000) * 1000),
      annotations: o.cost === undefined ? undefined : { 'controller.kubernetes.io/pod-deletion-cost': o.cost },
    },
    spec: { nodeName: o.node },
    status: { phase: o.phase ?? 'Running', conditions, containerStatuses: [{ restartCount: o.restarts ?? 0 }] },
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

test('unscheduled, then pending, then not ready pods go first', () => {
  const pods = [
    pod('ready', { node: 'n1', ready: true }),
    pod('notready', { node: 'n1', ready: false }),
    pod('pending', { node: 'n1', phase: 'Pending' }),
    pod('unknown', { node: 'n1', phase: 'Unknown' }),
    pod('unscheduled', { phase: 'Pending' }),
  ];
  assert.deepEqual(names(sortPodsForDeletion(pods, pods, now)), ['unscheduled', 'pending', 'unknown', 'notready', 'ready']);
});

test('deletion cost, then doubled-up nodes, then shorter readiness', () => {
  const a = pod('cheap', { node: 'n1', ready: true, cost: '-5' });
  const b = pod('dear', { node: 'n2', ready: true, cost: '100' });
  const c = pod('crowded', { node: 'n3', ready: true });
  const d = pod('alone', { node: 'n4', ready: true });
  const related = [a, b, c, d, pod('x', { node: 'n3', ready: true }), pod('y', { node: 'n3', ready: true })];
  assert.deepEqual(names(sortPodsForDeletion([d, b, c, a], related, now)), ['cheap', 'crowded', 'alone', 'dear']);
  // Same node counts: the pod ready for less time goes first, when far apart in log2 terms.
  const young = pod('young', { node: 'n1', ready: true, readyAgoS: 10 });
  const old = pod('old', { node: 'n2', ready: true, readyAgoS: 100_000 });
  assert.deepEqual(names(sortPodsForDeletion([old, young], [old, young], now)), ['young', 'old']);
});

test('ages in the same log2 bucket are ordered by uid; restarts and creation time come after readiness', () => {
  const p1 = pod('p1', { node: 'n1', ready: true, readyAgoS: 100, uid: 'b' });
  const p2 = pod('p2', { node: 'n2', ready: true, readyAgoS: 101, uid: 'a' });
  assert.deepEqual(names(sortPodsForDeletion([p1, p2], [p1, p2], now)), ['p2', 'p1']);
  const crashy = pod('crashy', { node: 'n1', ready: false, restarts: 7 });
  const calm = pod('calm', { node: 'n2', ready: false, restarts: 0 });
  assert.deepEqual(names(sortPodsForDeletion([calm, crashy], [calm, crashy], now)), ['crashy', 'calm']);
  const newer = pod('newer', { node: 'n1', ready: false, createdAgoS: 5 });
  const older = pod('older', { node: 'n2', ready: false, createdAgoS: 50_000 });
  assert.deepEqual(names(sortPodsForDeletion([older, newer], [older, newer], now)), ['newer', 'older']);
});
