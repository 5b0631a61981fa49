import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../client/index.js';
import type { RuntimeService } from '../../runtime/cri.js';
import type { Pod } from '../types.js';
import { ProbeManager } from './manager.js';

function pod(reported: { id: string; ready: boolean; started: boolean }): Pod {
  const probe = { exec: { command: ['true'] }, initialDelaySeconds: 3600 };
  return {
    metadata: { uid: 'u1', name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'i', readinessProbe: probe, startupProbe: probe }] },
    status: { containerStatuses: [{ name: 'c', image: 'i', imageID: '', containerID: `k8ts://${reported.id}`, ready: reported.ready, started: reported.started, restartCount: 0, state: { running: {} }, lastState: {} }] },
  } as Pod;
}

test('an adopted container keeps the readiness and start its pod status reports until probed again', (t) => {
  // The probes are an hour away: only the seeding is under test, the runtime is never asked.
  const m = new ProbeManager({ runtime: {} as RuntimeService, clock: realClock, record: () => {}, onChange: () => {}, podIP: () => '' });
  t.after(() => m.stop());
  m.sync(pod({ id: 'abc', ready: true, started: true }), new Map([['c', { id: 'abc', startedAtMs: Date.now() - 60_000 }]]));
  assert.equal(m.result('u1', 'c', 'readiness'), true);
  assert.equal(m.result('u1', 'c', 'startup'), true);
});

test('a new instance, or one the status calls unready, starts unknown', (t) => {
  const m = new ProbeManager({ runtime: {} as RuntimeService, clock: realClock, record: () => {}, onChange: () => {}, podIP: () => '' });
  t.after(() => m.stop());
  m.sync(pod({ id: 'old', ready: true, started: true }), new Map([['c', { id: 'new', startedAtMs: Date.now() }]]));
  assert.equal(m.result('u1', 'c', 'readiness'), undefined);
  const other = { ...pod({ id: 'x', ready: false, started: false }), metadata: { uid: 'u2', name: 'q', namespace: 'default' } };
  m.sync(other, new Map([['c', { id: 'x', startedAtMs: Date.now() }]]));
  assert.equal(m.result('u2', 'c', 'readiness'), undefined);
  assert.equal(m.result('u2', 'c', 'startup'), undefined);
});
