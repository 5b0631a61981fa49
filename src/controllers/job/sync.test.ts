import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { Cache } from '../../client/lister.js';
import { silentLogger } from '../../client/log.js';
import { Expectations } from '../history/expectations.js';
import { byControllerUid, controllerUidIndex } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import { RecordingApi } from '../history/testing.js';
import { BackoffStore } from './backoff.js';
import { syncJob } from './sync.js';
import { trackingFinalizer, type Job } from './types.js';

const jobPath = '/apis/batch/v1/namespaces/ns/jobs/j';

function setup(spec: Job['spec'], status: Job['status'] = {}) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const api = new RecordingApi();
  const jobs = new Cache<Job>();
  const pods = new Cache<Pod>({ [controllerUidIndex]: byControllerUid });
  const job: Job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns', uid: 'job-uid', resourceVersion: '1' }, spec: { backoffLimit: 6, parallelism: 1, completions: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c' }] } }, ...spec }, status };
  api.objects.set(jobPath, job);
  jobs.set(job);
  const deps = { client: api.client, log: silentLogger, clock, jobs, pods, expectations: new Expectations(clock), backoff: new BackoffStore() };
  return {
    clock, api, pods, deps,
    /** One sync, then the job's cache entry catches up with what was written. */
    async sync() {
      const r = await syncJob('ns/j', deps);
      jobs.set(api.objects.get(jobPath) as Job);
      return r;
    },
    job: () => api.objects.get(jobPath) as Job,
    /** The informer shows a pod (and the controller's handler settles its expectation). */
    see(p: Pod) {
      pods.set(p);
      api.objects.set(`/api/v1/namespaces/ns/pods/${p.metadata.name}`, p);
      deps.expectations.observeAdd('ns/j', p.metadata.name!);
    },
    createdPods: () => [...api.objects.entries()].filter(([k]) => k.startsWith('/api/v1/namespaces/ns/pods/')).map(([, v]) => v as Pod),
  };
}

function pod(name: string, phase: string, extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, finalizers: [trackingFinalizer], ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'job-uid', controller: true }], creationTimestamp: '2026-01-01T00:00:00Z', ...extra },
    spec: { nodeName: 'n1' },
    status: { phase, conditions: phase === 'Running' ? [{ type: 'Ready', status: 'True' }] : [] },
  };
}

test('a failed pod is counted once, its finalizer removed, and its replacement waits 10 s, then 20 s', async () => {
  const t = setup({});
  t.pods.set(pod('p1', 'Failed'));
  const r1 = await t.sync();
  assert.equal(t.job().status?.failed, 1);
  assert.equal(t.api.count('PATCH', '/pods/p1'), 1);
  assert.equal(t.api.count('POST', '/pods'), 0, 'no replacement during back-off');
  assert.equal(r1?.requeueAfterMs, 10_000);
  // The pod lost its finalizer (the informer shows it): no second count.
  t.pods.set({ ...pod('p1', 'Failed'), metadata: { ...pod('p1', 'Failed').metadata, finalizers: [] } });
  await t.sync();
  assert.equal(t.job().status?.failed, 1);
  t.clock.advance(10_000);
  await t.sync();
  assert.equal(t.api.count('POST', '/pods'), 1, 'replacement after 10 s');
  const replacement = t.createdPods()[0];
  t.see({ ...replacement, spec: { nodeName: 'n1' }, status: { phase: 'Failed' } });
  const r2 = await t.sync();
  assert.equal(t.job().status?.failed, 2);
  assert.equal(r2?.requeueAfterMs, 20_000);
});

test('past backoffLimit the job gets FailureTarget and, with no pod left running, Failed', async () => {
  const t = setup({ backoffLimit: 0 });
  t.pods.set(pod('p1', 'Failed'));
  await t.sync();
  const conds = t.job().status?.conditions ?? [];
  assert.deepEqual(conds.map((c) => `${c.type}=${c.status}/${c.reason}`), ['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
  assert.equal(conds[1].message, 'Job has reached the specified backoff limit');
});

test('pods are created to parallelism with the tracking finalizer and job labels; success completes the job', async () => {
  const t = setup({ completions: 2, parallelism: 2, template: { metadata: { labels: { 'batch.kubernetes.io/job-name': 'j' } }, spec: { containers: [{ name: 'c' }] } } });
  await t.sync();
  const created = t.createdPods();
  assert.equal(created.length, 2);
  for (const p of created) {
    assert.match(p.metadata.name!, /^j-[a-z2-9]{5}$/);
    assert.deepEqual(p.metadata.finalizers, [trackingFinalizer]);
    assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-name'], 'j');
    assert.equal((p.metadata.ownerReferences?.[0] as { uid: string }).uid, 'job-uid');
  }
  assert.ok(t.job().status?.startTime);
  for (const p of created) t.see({ ...p, spec: { nodeName: 'n1' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
  await t.sync();
  assert.equal(t.job().status?.active, 2);
  assert.equal(t.job().status?.ready, 2);
  for (const p of created) t.see({ ...p, spec: { nodeName: 'n1' }, status: { phase: 'Succeeded' } });
  await t.sync();
  const st = t.job().status!;
  assert.equal(st.succeeded, 2);
  assert.deepEqual(st.conditions?.map((c) => c.type), ['SuccessCriteriaMet', 'Complete']);
  assert.equal(st.completionTime, '2026-01-01T00:00:00Z');
  assert.equal(t.api.count('POST', '/pods'), 2, 'nothing created after success');
});

test('an Indexed job creates the lowest pending indexes with index annotation, env and hostname', async () => {
  const t = setup({ completions: 3, parallelism: 2, completionMode: 'Indexed' }, { completedIndexes: '0' });
  await t.sync();
  const created = t.createdPods().sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  assert.deepEqual(created.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']), ['1', '2']);
  assert.deepEqual(created.map((p) => p.spec?.hostname), ['j-1', 'j-2']);
  const env = (created[0].spec?.containers as { env: { name: string }[] }[])[0].env;
  assert.ok(env.some((e) => e.name === 'JOB_COMPLETION_INDEX'));
});

test('activeDeadlineSeconds: the running pod is deleted and the job fails only once it is gone', async () => {
  const t = setup({ activeDeadlineSeconds: 30 }, { startTime: '2026-01-01T00:00:00Z' });
  t.see(pod('p1', 'Running'));
  const first = await t.sync();
  assert.ok(first?.requeueAfterMs && first.requeueAfterMs <= 30_000, 'asks to look again at the deadline');
  t.clock.advance(31_000);
  await t.sync();
  assert.equal(t.api.count('DELETE', '/pods/p1'), 1);
  assert.deepEqual(t.job().status?.conditions?.map((c) => `${c.type}/${c.reason}`), ['FailureTarget/DeadlineExceeded']);
  assert.equal(t.job().status?.terminating, 1);
  // The kubelet has stopped it: counted as failed, and the job is Failed.
  t.see({ ...pod('p1', 'Failed') });
  await t.sync();
  assert.deepEqual(t.job().status?.conditions?.map((c) => c.type), ['FailureTarget', 'Failed']);
  assert.equal(t.job().status?.failed, 1);
});

test('a suspended job deletes its pods and says Suspended', async () => {
  const t = setup({ suspend: true });
  t.pods.set(pod('p1', 'Running'));
  await t.sync();
  assert.equal(t.api.count('DELETE', '/pods/p1'), 1);
  assert.equal(t.job().status?.conditions?.[0].reason, 'JobSuspended');
});

test('an Indexed job meeting its successPolicy succeeds and stops the other indexes', async () => {
  const t = setup({ completions: 4, parallelism: 4, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0-1', succeededCount: 1 }] } });
  const other = pod('j-3', 'Running', { annotations: { 'batch.kubernetes.io/job-completion-index': '3' } });
  t.see(other);
  t.see(pod('j-1', 'Succeeded', { annotations: { 'batch.kubernetes.io/job-completion-index': '1' } }));
  await t.sync();
  const cond = t.job().status?.conditions?.find((c) => c.type === 'SuccessCriteriaMet');
  assert.equal(cond?.reason, 'SuccessPolicy');
  assert.equal(cond?.message, 'Matched rules at index 0');
  assert.equal(t.api.count('DELETE', '/pods/j-3'), 1);
  assert.equal(t.job().status?.completedIndexes, '1');
  t.pods.delete('ns/j-3');
  await t.sync();
  assert.equal(t.job().status?.conditions?.find((c) => c.type === 'Complete')?.reason, 'SuccessPolicy');
});
