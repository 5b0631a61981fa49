import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { RestClient } from '../../client/rest-client.js';
import { coreResources, FakeApiServer } from '../../client/testing/fake-apiserver.js';
import { until } from '../../client/testing/wait.js';
import { startNodeLifecycleController } from './controller.js';
import { rfc3339 } from './sync.js';

const resources = [...coreResources, { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }];
type Cond = { type: string; status: string; reason?: string; message?: string };

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer(resources);
  const client = new RestClient({ server: await fake.start() });
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  const c = startNodeLifecycleController({ client, log, clock, nodeMonitorGracePeriodMs: 40_000, nodeMonitorPeriodMs: 1000 });
  t.after(async () => {
    await c.stop();
    client.close();
    await fake.stop();
  });
  const readyOf = (name: string) => ((fake.getObject('nodes', undefined, name)?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).find((x) => x.type === 'Ready');
  const taintsOf = (name: string) => (((fake.getObject('nodes', undefined, name)?.spec as { taints?: { key: string; effect: string }[] } | undefined)?.taints ?? []).map((x) => `${x.key}:${x.effect}`));
  /** Moves the fake clock a second at a time, letting the controller work in between, until cond holds. */
  const advanceUntil = async (cond: () => boolean, what: string, maxSeconds: number) => {
    for (let i = 0; i < maxSeconds && !cond(); i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 15));
    }
    await until(cond, what, 3000);
  };
  return { fake, clock, readyOf, taintsOf, advanceUntil };
}

function node(name: string, ready: string) {
  return { metadata: { name }, spec: {}, status: { conditions: [{ type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: '2026-01-01T00:00:00Z' }] } };
}

const unreachableToleration = (seconds: number) => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });

test('a silent node becomes Unknown and unreachable; its pods are marked not ready and evicted in time', async (t) => {
  const { fake, clock, readyOf, taintsOf, advanceUntil } = await setup(t);
  fake.put('nodes', node('quiet', 'True'));
  fake.put('nodes', node('alive', 'True'));
  fake.put('pods', { metadata: { namespace: 'ns', name: 'plain' }, spec: { nodeName: 'quiet' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  fake.put('pods', { metadata: { namespace: 'ns', name: 'patient' }, spec: { nodeName: 'quiet', tolerations: [unreachableToleration(60)] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  fake.put('pods', { metadata: { namespace: 'ns', name: 'elsewhere' }, spec: { nodeName: 'alive' }, status: { phase: 'Running' } });
  await new Promise((r) => setTimeout(r, 100));
  // The live node's kubelet renews its lease every 10 s; the quiet one never does.
  let beats = 0;
  const renew = () => {
    if (++beats % 10 === 0) fake.put('leases', { metadata: { namespace: 'kube-node-lease', name: 'alive' }, spec: { renewTime: rfc3339(clock.now()) } });
    return readyOf('quiet')?.status === 'Unknown';
  };
  await advanceUntil(renew, 'quiet Unknown', 60);
  const elapsed = clock.now() - Date.UTC(2026, 0, 1);
  assert.ok(elapsed > 40_000 && elapsed < 50_000, `Unknown after ${elapsed} ms`);
  assert.equal(readyOf('quiet')?.reason, 'NodeStatusUnknown');
  assert.equal(readyOf('quiet')?.message, 'Kubelet stopped posting node status.');
  await until(() => taintsOf('quiet').length === 2, 'taints');
  assert.deepEqual(taintsOf('quiet'), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  await until(() => !fake.getObject('pods', 'ns', 'plain'), 'untolerating pod evicted at once');
  const patient = () => fake.getObject('pods', 'ns', 'patient');
  await until(() => ((patient()?.status as { conditions?: Cond[] }).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'False'), 'pod marked not ready');
  const tainted = clock.now();
  await advanceUntil(() => { renew(); return !patient(); }, 'patient pod evicted', 80);
  assert.ok(clock.now() - tainted >= 55_000, `patient pod evicted after ${clock.now() - tainted} ms, before its 60 s`);
  assert.equal(readyOf('alive')?.status, 'True');
  assert.deepEqual(taintsOf('alive'), []);
  assert.ok(fake.getObject('pods', 'ns', 'elsewhere'));

  // The kubelet comes back, renews its lease and reports Ready: the taints go.
  fake.put('leases', { metadata: { namespace: 'kube-node-lease', name: 'quiet' }, spec: { renewTime: rfc3339(clock.now()) } });
  fake.put('nodes', { ...fake.getObject('nodes', undefined, 'quiet')!, status: node('quiet', 'True').status });
  await advanceUntil(() => taintsOf('quiet').length === 0, 'taints removed', 10);
});

test('a node reporting Ready=False gets the not-ready taints', async (t) => {
  const { fake, taintsOf, advanceUntil } = await setup(t);
  fake.put('nodes', node('sick', 'False'));
  await advanceUntil(() => taintsOf('sick').length === 2, 'not-ready taints', 5);
  assert.deepEqual(taintsOf('sick'), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
});
