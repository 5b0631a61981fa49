import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { startDisruptionController } from './controller.js';
import type { PdbStatus } from './sync.js';

const resources = [
  ...coreResources,
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true },
];

// The fake serves GET .../scale as the object itself, whose spec.replicas is what a Scale carries.
async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const clock = new FakeClock(Date.parse('2026-01-01T00:10:00Z'));
  const c = startDisruptionController({ client, log: { info: () => {}, warn: () => {}, error: () => {} }, clock });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  const status = (name: string) => (fake.getObject('poddisruptionbudgets', 'ns', name)?.status ?? {}) as PdbStatus;
  return { fake, clock, status };
}

function pod(name: string, ready: boolean, owner = 'rs') {
  return {
    metadata: { namespace: 'ns', name, labels: { app: 'web' }, ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `${owner}-uid`, controller: true }] : [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

test('status from the selected pods: minAvailable counts pods, maxUnavailable the controller scale', async (t) => {
  const { fake, status } = await setup(t);
  fake.put('replicasets', { metadata: { namespace: 'ns', name: 'rs', uid: 'rs-uid' }, spec: { replicas: 4 } });
  for (const [n, r] of [['a', true], ['b', true], ['c', false]] as const) fake.put('pods', pod(n, r));
  fake.put('pods', { metadata: { namespace: 'ns', name: 'unrelated', labels: { app: 'db' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  fake.put('poddisruptionbudgets', { metadata: { namespace: 'ns', name: 'min', generation: 3 }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
  fake.put('poddisruptionbudgets', { metadata: { namespace: 'ns', name: 'max', generation: 1 }, spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'web' } } } });
  await until(() => status('min').observedGeneration === 3 && status('max').expectedPods !== undefined, 'statuses');
  assert.equal(status('min').expectedPods, 3);
  assert.equal(status('min').currentHealthy, 2);
  assert.equal(status('min').desiredHealthy, 1);
  assert.equal(status('min').disruptionsAllowed, 1);
  const cond = status('min').conditions!.find((c) => c.type === 'DisruptionAllowed')!;
  assert.equal(cond.status, 'True');
  assert.equal(cond.reason, 'SufficientPods');
  assert.equal(status('max').expectedPods, 4);
  assert.equal(status('max').desiredHealthy, 3);
  assert.equal(status('max').disruptionsAllowed, 0);
  assert.equal(status('max').conditions!.find((c) => c.type === 'DisruptionAllowed')!.reason, 'InsufficientPods');
  // A pod turning ready changes the budget.
  fake.put('pods', pod('c', true));
  await until(() => status('max').currentHealthy === 3, 'c counted');
  assert.equal(status('max').disruptionsAllowed, 0);
  assert.equal(status('min').disruptionsAllowed, 2);
});

test('a pod without a controller makes a scale-based budget fail safe', async (t) => {
  const { fake, status } = await setup(t);
  fake.put('pods', pod('bare', true, ''));
  fake.put('poddisruptionbudgets', { metadata: { namespace: 'ns', name: 'pct', generation: 1 }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } } });
  await until(() => status('pct').conditions !== undefined, 'status');
  assert.equal(status('pct').disruptionsAllowed, 0);
  assert.equal(status('pct').conditions![0].reason, 'SyncFailed');
});

test('disrupted pods count as unhealthy until their time is up, then leave the status', async (t) => {
  const { fake, clock, status } = await setup(t);
  fake.put('replicasets', { metadata: { namespace: 'ns', name: 'rs', uid: 'rs-uid' }, spec: { replicas: 2 } });
  fake.put('pods', pod('a', true));
  fake.put('pods', pod('b', true));
  fake.put('poddisruptionbudgets', {
    metadata: { namespace: 'ns', name: 'b', generation: 1 },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    status: { disruptedPods: { a: '2026-01-01T00:09:50Z' }, disruptionsAllowed: 0 },
  });
  await until(() => status('b').currentHealthy === 1, 'a counted as disrupted');
  assert.equal(status('b').disruptionsAllowed, 0);
  assert.deepEqual(status('b').disruptedPods, { a: '2026-01-01T00:09:50Z' });
  clock.advance(2 * 60_000);
  await until(() => status('b').currentHealthy === 2, 'disruption expired');
  assert.deepEqual(status('b').disruptedPods, {});
  assert.equal(status('b').disruptionsAllowed, 1);
});
