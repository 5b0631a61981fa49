// The lifecycle controllers against a real server: the garbage collector, node
// lifecycle (with taint eviction), node IPAM and the disruption controller run in this
// process; the server runs its own scheduler and workload controllers; two `k8ts hollow`
// processes provide the nodes. The real kubectl drives what a user would do.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { k8tsBin, kubectlVersions, TestServer } from './harness.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { KObject } from '../../src/client/types.js';
import { startGarbageCollector } from '../../src/controllers/gc/index.js';
import { startNodeLifecycleController } from '../../src/controllers/nodelifecycle/index.js';
import { startNodeIpamController } from '../../src/controllers/nodeipam/index.js';
import { startDisruptionController } from '../../src/controllers/disruption/index.js';

interface Obj extends KObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

let server: TestServer;
let client: RestClient;
const hollows = new Map<string, ChildProcess>();
const stops: { stop(): Promise<void> }[] = [];
const kubectl = kubectlVersions[kubectlVersions.length - 1] ?? '1.33';
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const log = process.env.K8TS_E2E_VERBOSE ? { info: (m: string) => console.log(m), warn: (m: string) => console.log(m), error: (m: string) => console.log(m) } : quiet;
// Hollow kubelets renew their leases every 10 s; on a loaded machine a renewal can come
// late, so the grace period is Kubernetes' default (40 s), not something tighter.
const graceMs = 40_000;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function startHollow(prefix: string): Promise<void> {
  const proc = spawn(process.execPath, [k8tsBin, 'hollow', '--kubeconfig', server.kubeconfig, '--nodes', '2', '--name-prefix', prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  hollows.set(prefix, proc);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`hollow ${prefix} did not start:\n${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('hollow nodes; ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hollow ${prefix} exited ${code}:\n${out}`));
    });
  });
}

async function killHollow(prefix: string): Promise<void> {
  const proc = hollows.get(prefix);
  if (!proc || proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
  const exited = new Promise((r) => proc.once('exit', r));
  process.kill(proc.pid, 'SIGKILL');
  await exited;
}

const list = async (path: string): Promise<Obj[]> => (await client.list<Obj>(path)).items;
const podsOf = async (ns: string, selector: string) => (await client.list<Obj>(`/api/v1/namespaces/${ns}/pods`, { labelSelector: selector })).items;

function deployment(name: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });
}

async function runningDeployment(ns: string, name: string, replicas: number): Promise<void> {
  server.ok(kubectl, ['-n', ns, 'apply', '-f', '-'], deployment(name, replicas));
  await waitFor(`${name} pods running`, async () => {
    const pods = await podsOf(ns, `app=${name}`);
    return pods.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).length === replicas;
  });
}

before(async () => {
  server = await TestServer.start({ args: ['--default-unreachable-toleration-seconds=5', '--default-not-ready-toleration-seconds=5'] });
  client = RestClient.fromKubeconfig(server.kubeconfig);
  stops.push(startNodeIpamController({ client, log }));
  stops.push(startNodeLifecycleController({ client, log, nodeMonitorGracePeriodMs: graceMs, nodeMonitorPeriodMs: 1000 }));
  stops.push(startGarbageCollector({ client, log }));
  stops.push(startDisruptionController({ client, log, resyncMs: 2000 }));
  await Promise.all([startHollow('a-'), startHollow('b-')]);
  server.ok(kubectl, ['create', 'namespace', 'life']);
});

after(async () => {
  for (const s of stops.splice(0)) await s.stop().catch(() => {});
  for (const p of hollows.keys()) await killHollow(p);
  client?.close();
  await server?.cleanup();
});

test('nodes get distinct /24 pod CIDRs from 10.42.0.0/16', async () => {
  const nodes = await waitFor('pod CIDRs on all four nodes', async () => {
    const ns = await list('/api/v1/nodes');
    return ns.length === 4 && ns.every((n) => n.spec?.podCIDR) ? ns : undefined;
  });
  const cidrs = nodes.map((n) => n.spec?.podCIDR as string);
  assert.equal(new Set(cidrs).size, 4);
  for (const n of nodes) {
    assert.match(n.spec?.podCIDR as string, /^10\.42\.\d+\.0\/24$/);
    assert.deepEqual(n.spec?.podCIDRs, [n.spec?.podCIDR]);
  }
});

test('kubectl delete deployment leaves no ReplicaSet or Pod', async () => {
  await runningDeployment('life', 'web', 2);
  assert.equal((await list('/apis/apps/v1/namespaces/life/replicasets')).filter((r) => r.metadata.name?.startsWith('web-')).length, 1);
  server.ok(kubectl, ['-n', 'life', 'delete', 'deployment', 'web']);
  await waitFor('web ReplicaSets and Pods gone', async () => {
    const rs = (await list('/apis/apps/v1/namespaces/life/replicasets')).filter((r) => r.metadata.name?.startsWith('web-'));
    const pods = await podsOf('life', 'app=web');
    return rs.length === 0 && pods.length === 0;
  });
});

/** Whether the server adds the orphan/foreground finalizers on DELETE (ObjectStoreOptions.garbageCollector). */
async function serverAddsGcFinalizers(): Promise<boolean> {
  await client.create('/api/v1/namespaces/life/configmaps', { metadata: { name: 'probe', finalizers: ['k8ts.test/hold'] } });
  const deleted = await client.delete<Obj>('/api/v1/namespaces/life/configmaps/probe', { propagationPolicy: 'Orphan' });
  const adds = (deleted.metadata?.finalizers ?? []).includes('orphan');
  await client.patch('/api/v1/namespaces/life/configmaps/probe', { metadata: { finalizers: null } }, 'merge');
  return adds;
}

test('kubectl delete --cascade=orphan leaves the ReplicaSet without ownerReferences', async (t) => {
  if (!(await serverAddsGcFinalizers())) return t.skip('the server does not add the orphan finalizer yet (ObjectStoreOptions.garbageCollector off)');
  await runningDeployment('life', 'orph', 1);
  // --wait=false: kubectl's wait for the deletion can miss it (see the report on the watch
  // cache); what is tested here is the collector's part.
  server.ok(kubectl, ['-n', 'life', 'delete', 'deployment', 'orph', '--cascade=orphan', '--wait=false']);
  await waitFor('orph deployment gone', async () => (await list('/apis/apps/v1/namespaces/life/deployments')).every((d) => d.metadata.name !== 'orph'));
  const rs = await waitFor('orphaned ReplicaSet', async () => {
    const r = (await list('/apis/apps/v1/namespaces/life/replicasets')).filter((x) => x.metadata.name?.startsWith('orph-'));
    return r.length === 1 && !r[0].metadata.ownerReferences?.length ? r : undefined;
  });
  // Still there a while later: the collector does not take an orphan for garbage.
  await new Promise((r) => setTimeout(r, 3000));
  assert.ok(await client.get(`/apis/apps/v1/namespaces/life/replicasets/${rs[0].metadata.name}`));
  assert.equal((await podsOf('life', 'app=orph')).length, 1);
  server.ok(kubectl, ['-n', 'life', 'delete', 'replicaset', rs[0].metadata.name as string]);
});

test('kubectl delete --cascade=foreground removes the pods before the Deployment', async (t) => {
  if (!(await serverAddsGcFinalizers())) return t.skip('the server does not add the foregroundDeletion finalizer yet (ObjectStoreOptions.garbageCollector off)');
  await runningDeployment('life', 'fg', 1);
  server.ok(kubectl, ['-n', 'life', 'delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false']);
  // The collector may be quick enough that the Deployment is already gone.
  const d = await client.get<Obj>('/apis/apps/v1/namespaces/life/deployments/fg').catch(() => undefined);
  if (d) assert.ok(d.metadata.finalizers?.includes('foregroundDeletion'));
  await waitFor('fg deployment gone', async () => (await list('/apis/apps/v1/namespaces/life/deployments')).every((x) => x.metadata.name !== 'fg'));
  assert.equal((await podsOf('life', 'app=fg')).length, 0);
  assert.equal((await list('/apis/apps/v1/namespaces/life/replicasets')).filter((r) => r.metadata.name?.startsWith('fg-')).length, 0);
});

test('a PodDisruptionBudget shows disruptionsAllowed', async () => {
  await runningDeployment('life', 'guarded', 3);
  server.ok(kubectl, ['-n', 'life', 'create', 'poddisruptionbudget', 'guarded', '--selector=app=guarded', '--min-available=2']);
  const pdb = await waitFor('pdb status', async () => {
    const p = await client.get<Obj>('/apis/policy/v1/namespaces/life/poddisruptionbudgets/guarded');
    return p.status?.currentHealthy === 3 ? p : undefined;
  });
  assert.equal(pdb.status?.disruptionsAllowed, 1);
  assert.equal(pdb.status?.desiredHealthy, 2);
  assert.equal(pdb.status?.expectedPods, 3);
  const cond = (pdb.status?.conditions as { type: string; status: string; reason: string }[]).find((c) => c.type === 'DisruptionAllowed');
  assert.equal(cond?.reason, 'SufficientPods');
  // maxUnavailable as a percentage counts from the Deployment's scale.
  server.ok(kubectl, ['-n', 'life', 'create', 'poddisruptionbudget', 'guarded-pct', '--selector=app=guarded', '--max-unavailable=34%']);
  const pct = await waitFor('percentage pdb status', async () => {
    const p = await client.get<Obj>('/apis/policy/v1/namespaces/life/poddisruptionbudgets/guarded-pct');
    return p.status?.expectedPods === 3 ? p : undefined;
  });
  assert.equal(pct.status?.desiredHealthy, 1);
  assert.equal(pct.status?.disruptionsAllowed, 2);
  const out = server.ok(kubectl, ['-n', 'life', 'get', 'pdb', 'guarded']);
  assert.match(out, /guarded\s+2\s+N\/A\s+1\b/);
  server.ok(kubectl, ['-n', 'life', 'delete', 'pdb', 'guarded-pct']);

  // kubectl drain goes through the eviction API, which spends what the budget allows.
  server.ok(kubectl, ['-n', 'life', 'patch', 'pdb', 'guarded', '--type=merge', '-p', '{"spec":{"minAvailable":3}}']);
  await waitFor('budget of 0', async () => {
    const p = await client.get<Obj>('/apis/policy/v1/namespaces/life/poddisruptionbudgets/guarded');
    return p.status?.observedGeneration === p.metadata.generation && p.status?.disruptionsAllowed === 0;
  });
  const victim = (await podsOf('life', 'app=guarded'))[0];
  const nodeName = victim.spec?.nodeName as string;
  const refused = server.kubectl(kubectl, ['drain', nodeName, '--pod-selector=app=guarded', '--timeout=12s']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout + refused.stderr, /disruption budget/);
  assert.equal((await podsOf('life', 'app=guarded')).filter((p) => !p.metadata.deletionTimestamp).length, 3);
  server.ok(kubectl, ['-n', 'life', 'patch', 'pdb', 'guarded', '--type=merge', '-p', '{"spec":{"minAvailable":2}}']);
  await waitFor('budget of 1', async () => (await client.get<Obj>('/apis/policy/v1/namespaces/life/poddisruptionbudgets/guarded')).status?.disruptionsAllowed === 1);
  server.ok(kubectl, ['drain', nodeName, '--pod-selector=app=guarded', '--timeout=90s']);
  await waitFor('guarded pods back to 3 ready, none on the drained node', async () => {
    const pods = (await podsOf('life', 'app=guarded')).filter((p) => !p.metadata.deletionTimestamp);
    return pods.length === 3 && pods.every((p) => p.status?.phase === 'Running' && p.spec?.nodeName !== nodeName);
  });
  server.ok(kubectl, ['uncordon', nodeName]);
  server.ok(kubectl, ['-n', 'life', 'delete', 'deployment', 'guarded']);
});

test('killing a hollow process makes its nodes unreachable and its pods move', async () => {
  await runningDeployment('life', 'mover', 4);
  const before = await podsOf('life', 'app=mover');
  const onA = before.filter((p) => String(p.spec?.nodeName).startsWith('a-'));
  // Put at least one pod on a- nodes, or the test proves nothing about eviction.
  assert.ok(onA.length > 0, `no pod landed on a- nodes: ${before.map((p) => p.spec?.nodeName).join(',')}`);
  await killHollow('a-');
  const nodes = await waitFor('a- nodes unreachable', async () => {
    const ns = (await list('/api/v1/nodes')).filter((n) => n.metadata.name?.startsWith('a-'));
    const ok = ns.every((n) => {
      const ready = (n.status?.conditions as { type: string; status: string; reason?: string }[] | undefined)?.find((c) => c.type === 'Ready');
      const taints = (n.spec?.taints as { key: string; effect: string }[] | undefined) ?? [];
      return ready?.status === 'Unknown' && ready.reason === 'NodeStatusUnknown' && taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') && taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule');
    });
    return ns.length === 2 && ok ? ns : undefined;
  }, graceMs + 90_000);
  assert.equal(nodes.length, 2);
  const out = server.ok(kubectl, ['get', 'nodes']);
  assert.match(out, /a-\S+\s+NotReady/);
  await waitFor('mover pods all running on b- nodes', async () => {
    const pods = (await podsOf('life', 'app=mover')).filter((p) => !p.metadata.deletionTimestamp);
    return pods.length === 4 && pods.every((p) => String(p.spec?.nodeName).startsWith('b-') && p.status?.phase === 'Running');
  }, 120_000);
  // The evicted pods were deleted (they stay Terminating: no kubelet is left to finish them).
  for (const p of onA) {
    const cur = await client.get<Obj>(`/api/v1/namespaces/life/pods/${p.metadata.name}`).catch(() => undefined);
    assert.ok(!cur || cur.metadata.deletionTimestamp, `${p.metadata.name} was not evicted`);
  }
});
