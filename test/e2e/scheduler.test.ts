// The scheduler against a real server: three hollow nodes of different sizes (each its
// own `k8ts hollow` process), the scheduler in this process, the real kubectl for what a
// user sees (describe, get, cordon, taint, priority classes).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { k8tsBin, kubectlVersions, TestServer } from './harness.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { KObject } from '../../src/client/types.js';
import { parseSchedulerConfig } from '../../src/scheduler/config.js';
import { startScheduler, type RunningScheduler } from '../../src/scheduler/start.js';

interface PodObj extends KObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; nominatedNodeName?: string; conditions?: { type: string; status: string; reason?: string }[] };
}

let server: TestServer;
let client: RestClient;
const hollows: ChildProcess[] = [];
let scheduler: RunningScheduler | undefined;
const kubectl = kubectlVersions[kubectlVersions.length - 1] ?? '1.33';
const silent = { info: () => {}, warn: () => {}, error: () => {} };

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function startHollow(prefix: string, cpu: string, memory: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [k8tsBin, 'hollow', '--kubeconfig', server.kubeconfig, '--nodes', '1', '--name-prefix', prefix, '--cpu', cpu, '--memory', memory, '--labels', `size=${prefix.replace(/-$/, '')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  hollows.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`hollow ${prefix} did not start:\n${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('hollow nodes; ready')) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        resolve(proc);
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

async function runScheduler(configYaml?: string): Promise<void> {
  await scheduler?.stop();
  scheduler = startScheduler({ client, log: silent, config: configYaml ? parseSchedulerConfig(configYaml) : undefined });
}

function podBody(name: string, cpu: string, extra: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { test: 'sched' }, ...meta },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu, memory: '128Mi' } } }], ...extra },
  };
}

async function createPods(names: string[], cpu: string, extra: Record<string, unknown> = {}): Promise<void> {
  for (const n of names) await client.create('/api/v1/namespaces/default/pods', podBody(n, cpu, extra));
}

async function pods(): Promise<PodObj[]> {
  return (await client.list<PodObj>('/api/v1/namespaces/default/pods')).items;
}

async function waitBound(names: string[]): Promise<Map<string, string>> {
  return waitFor(`pods ${names.length} bound`, async () => {
    const m = new Map<string, string>();
    for (const p of await pods()) if (names.includes(p.metadata.name ?? '') && p.spec?.nodeName) m.set(p.metadata.name ?? '', p.spec.nodeName);
    return m.size === names.length ? m : undefined;
  });
}

async function getPod(name: string): Promise<PodObj | undefined> {
  return (await pods()).find((p) => p.metadata.name === name);
}

async function deleteAllPods(): Promise<void> {
  await client.delete('/api/v1/namespaces/default/pods', { gracePeriodSeconds: 0 });
  await waitFor('all pods gone', async () => (await pods()).length === 0);
}

const perNode = (m: Map<string, string>) => {
  const counts: Record<string, number> = { 'small-0': 0, 'medium-0': 0, 'large-0': 0 };
  for (const n of m.values()) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
};

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

before(async () => {
  server = await TestServer.start({ args: ['--disable-controllers'] });
  client = RestClient.fromKubeconfig(server.kubeconfig);
  await Promise.all([startHollow('small-', '2', '4Gi'), startHollow('medium-', '4', '8Gi'), startHollow('large-', '8', '16Gi')]);
});

after(async () => {
  await scheduler?.stop().catch(() => {});
  for (const h of hollows) {
    if (h.exitCode === null && h.signalCode === null) {
      const exited = new Promise((r) => h.once('exit', r));
      h.kill('SIGKILL');
      await exited;
    }
  }
  client?.close();
  await server?.cleanup();
});

test('hollow nodes are Ready with leases in kube-node-lease', async () => {
  const out = server.ok(kubectl, ['get', 'nodes', '-l', 'type=hollow', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].reason},{end}']);
  assert.match(out, /large-0=KubeletReady/);
  assert.match(out, /small-0=KubeletReady/);
  const lease = await client.get<KObject & { spec?: { holderIdentity?: string; leaseDurationSeconds?: number } }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/medium-0');
  assert.equal(lease.spec?.holderIdentity, 'medium-0');
  assert.equal(lease.spec?.leaseDurationSeconds, 40);
});

test('LeastAllocated spreads 30 pods by requests; hollow nodes run them', async () => {
  await runScheduler();
  const ns = names('spread', 30);
  await createPods(ns, '100m');
  const counts = perNode(await waitBound(ns));
  assert.ok(counts['small-0'] > 0 && counts['medium-0'] > 0 && counts['large-0'] > 0, `every node used: ${JSON.stringify(counts)}`);
  assert.ok(counts['large-0'] > counts['small-0'], `the largest node takes the most: ${JSON.stringify(counts)}`);
  await waitFor('pods Running', async () => (await pods()).every((p) => p.status?.phase === 'Running'));
  const out = server.ok(kubectl, ['get', 'pod', 'spread-0', '-o', 'wide']);
  assert.match(out, /Running/);
  await deleteAllPods();
});

test('MostAllocated (from a KubeSchedulerConfiguration) packs pods onto fewer nodes', async () => {
  await runScheduler(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`);
  const ns = names('pack', 30);
  await createPods(ns, '100m');
  const counts = perNode(await waitBound(ns));
  assert.equal(counts['large-0'], 0, `the emptiest node stays empty: ${JSON.stringify(counts)}`);
  assert.equal(counts['small-0'], 20, `the small node is filled first: ${JSON.stringify(counts)}`);
  await deleteAllPods();
  await runScheduler();
});

test('a pod too big for any node: FailedScheduling in kubectl describe, Pending in kubectl get', async () => {
  await createPods(['huge'], '100');
  const want = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  await waitFor('PodScheduled=False', async () => (await getPod('huge'))?.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'));
  for (const v of kubectlVersions) {
    const described = await waitFor(`describe shows the event (kubectl ${v})`, async () => {
      const out = server.ok(v, ['describe', 'pod', 'huge']);
      return out.includes('FailedScheduling') ? out : undefined;
    });
    assert.ok(described.includes(want), `kubectl ${v} describe:\n${described}`);
    assert.match(described, /Warning\s+FailedScheduling\s+.*default-scheduler/);
    assert.match(server.ok(v, ['get', 'pod', 'huge']), /huge\s+0\/1\s+Pending/);
  }
  await deleteAllPods();
});

test('kubectl cordon keeps new pods off a node', async () => {
  server.ok(kubectl, ['cordon', 'large-0']);
  try {
    const ns = names('cordon', 6);
    await createPods(ns, '100m');
    const counts = perNode(await waitBound(ns));
    assert.equal(counts['large-0'], 0, JSON.stringify(counts));
  } finally {
    server.ok(kubectl, ['uncordon', 'large-0']);
  }
  await deleteAllPods();
});

test('nodeSelector, node affinity and taints are respected', async () => {
  server.ok(kubectl, ['label', 'node', 'medium-0', 'disk=ssd']);
  server.ok(kubectl, ['taint', 'nodes', 'small-0', 'dedicated=gpu:NoSchedule']);
  try {
    await createPods(['selected'], '100m', { nodeSelector: { disk: 'ssd' } });
    const onSmall = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['small-0'] }] }] } } } };
    await createPods(['tolerant'], '100m', { ...onSmall, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    await createPods(['intolerant'], '100m', onSmall);
    const bound = await waitBound(['selected', 'tolerant']);
    assert.equal(bound.get('selected'), 'medium-0');
    assert.equal(bound.get('tolerant'), 'small-0');
    const msg = await waitFor('intolerant rejected', async () => (await getPod('intolerant'))?.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
    assert.equal((msg as { message?: string }).message?.startsWith('0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn\'t match Pod\'s node affinity/selector.'), true, JSON.stringify(msg));
    assert.equal((await getPod('intolerant'))?.spec?.nodeName, undefined);
  } finally {
    server.ok(kubectl, ['taint', 'nodes', 'small-0', 'dedicated=gpu:NoSchedule-']);
    server.ok(kubectl, ['label', 'node', 'medium-0', 'disk-']);
  }
  // Removing the taint is a node update: the waiting pod is scheduled without a nudge.
  assert.equal((await waitBound(['intolerant'])).get('intolerant'), 'small-0');
  await deleteAllPods();
});

test('a high-priority pod preempts a low-priority one', async () => {
  server.ok(kubectl, ['create', 'priorityclass', 'low', '--value=10']);
  server.ok(kubectl, ['create', 'priorityclass', 'high', '--value=1000']);
  try {
    await createPods(['low'], '7', { priorityClassName: 'low' });
    assert.equal((await waitBound(['low'])).get('low'), 'large-0');
    const lowUid = (await getPod('low'))?.metadata.uid;
    await createPods(['high'], '7', { priorityClassName: 'high' });
    assert.equal((await waitBound(['high'])).get('high'), 'large-0');
    const low = await getPod('low');
    assert.ok(!low || low.metadata.uid !== lowUid, 'the low-priority pod was evicted');
    const events = (await client.list<KObject & { reason?: string; involvedObject?: { name?: string } }>('/api/v1/namespaces/default/events')).items;
    assert.ok(events.some((e) => e.reason === 'Preempted' && e.involvedObject?.name === 'low'), 'a Preempted event about the victim');
  } finally {
    server.kubectl(kubectl, ['delete', 'priorityclass', 'low', 'high']);
  }
  await deleteAllPods();
});

test('only one of two schedulers leads (Lease kube-system/kube-scheduler)', async () => {
  const leasePath = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler';
  const holder = async () => (await client.get<KObject & { spec?: { holderIdentity?: string } }>(leasePath)).spec?.holderIdentity;
  const first = await waitFor('the first scheduler leads', holder);
  const second = startScheduler({ client, log: silent });
  try {
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await holder(), first, 'the second scheduler does not take over a held lease');
    const ns = names('ha', 10);
    await createPods(ns, '100m');
    await waitBound(ns);
    // Two schedulers binding the same pods would show up as binding conflicts in events.
    const events = (await client.list<KObject & { reason?: string; message?: string }>('/api/v1/namespaces/default/events')).items;
    assert.equal(events.filter((e) => e.reason === 'FailedScheduling' && /Binding rejected/.test(e.message ?? '')).length, 0);
  } finally {
    await second.stop();
  }
  await deleteAllPods();
});


test('hollow pods with exit-after-seconds go Succeeded with exit code 0', async () => {
  await client.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'job-like', annotations: { 'hollow.k8ts.io/exit-after-seconds': '1' } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
  });
  const done = await waitFor('Succeeded', async () => {
    const p = await getPod('job-like');
    return p?.status?.phase === 'Succeeded' ? p : undefined;
  });
  const cs = (done.status as { containerStatuses?: { state?: { terminated?: { exitCode?: number } } }[] }).containerStatuses;
  assert.equal(cs?.[0]?.state?.terminated?.exitCode, 0);
  await deleteAllPods();
});

test('a killed hollow process stops renewing its leases', async () => {
  const proc = await startHollow('doomed-', '1', '1Gi');
  const renewTime = async () =>
    (await client.get<KObject & { spec?: { renewTime?: string } }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/doomed-0')).spec?.renewTime ?? '';
  const first = await waitFor('the lease', async () => renewTime());
  // Renewed every 10 s while alive...
  const renewed = await waitFor('a renewal', async () => {
    const t = await renewTime();
    return t !== first ? t : undefined;
  }, 40_000);
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
  // ...and not after.
  const last = await renewTime();
  assert.ok(last >= renewed);
  await new Promise((r) => setTimeout(r, 12_000));
  assert.equal(await renewTime(), last);
  await client.delete('/api/v1/nodes/doomed-0');
});
