import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { Cache } from '../../client/lister.js';
import { silentLogger } from '../../client/log.js';
import { byControllerUid, controllerUidIndex } from '../history/owner.js';
import { RecordingApi } from '../history/testing.js';
import type { Job } from '../job/types.js';
import { syncCronJob, type CronJob } from './sync.js';

const cjPath = '/apis/batch/v1/namespaces/ns/cronjobs/c';

function setup(spec: CronJob['spec'], status: CronJob['status'] = {}) {
  const clock = new FakeClock(Date.parse('2026-03-01T10:00:30Z'));
  const api = new RecordingApi();
  const cronJobs = new Cache<CronJob>();
  const jobs = new Cache<Job>({ [controllerUidIndex]: byControllerUid });
  const cj: CronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'ns', uid: 'cj-uid', creationTimestamp: '2026-03-01T10:00:00Z' }, spec: { schedule: '*/5 * * * *', timeZone: 'UTC', jobTemplate: { spec: { template: { spec: { containers: [] } } } }, ...spec }, status };
  api.objects.set(cjPath, cj);
  cronJobs.set(cj);
  const deps = { client: api.client, log: silentLogger, clock, cronJobs, jobs };
  return {
    clock, api, jobs,
    async sync() {
      const r = await syncCronJob('ns/c', deps);
      cronJobs.set(api.objects.get(cjPath) as CronJob);
      // The informer shows the jobs created.
      for (const [k, v] of api.objects) if (k.startsWith('/apis/batch/v1/namespaces/ns/jobs/')) jobs.set(v as Job);
      return r;
    },
    cj: () => api.objects.get(cjPath) as CronJob,
    jobNames: () => [...api.objects.keys()].filter((k) => k.includes('/jobs/')).map((k) => k.split('/').pop()),
  };
}

function childJob(name: string, condition?: 'Complete' | 'Failed', startTime = '2026-03-01T09:00:00Z'): Job {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'c', uid: 'cj-uid', controller: true }] },
    status: { startTime, ...(condition ? { conditions: [{ type: condition, status: 'True' }], completionTime: '2026-03-01T09:30:00Z' } : {}) },
  };
}

test('nothing before the first scheduled time; then one Job named for it, and a wake-up at the next', async () => {
  const t = setup({});
  const r0 = await t.sync();
  assert.deepEqual(t.jobNames(), []);
  assert.equal(r0?.requeueAfterMs, 270_000 + 100, 'wakes at 10:05');
  t.clock.advance(270_000);
  const r1 = await t.sync();
  const minutes = Date.parse('2026-03-01T10:05:00Z') / 60000;
  assert.deepEqual(t.jobNames(), [`c-${minutes}`]);
  const job = t.api.objects.get(`/apis/batch/v1/namespaces/ns/jobs/c-${minutes}`) as Job;
  assert.equal(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-03-01T10:05:00Z');
  assert.equal(t.cj().status?.lastScheduleTime, '2026-03-01T10:05:00Z');
  assert.equal(t.cj().status?.active?.[0].name, `c-${minutes}`);
  assert.equal(r1?.requeueAfterMs, 300_000 + 100);
  // The same scheduled time never makes a second Job.
  await t.sync();
  assert.equal(t.api.count('POST', '/jobs'), 1);
});

test('Forbid skips a run while one is active; Replace deletes the active one first', async () => {
  const running = childJob('c-old');
  const forbid = setup({ concurrencyPolicy: 'Forbid' }, { active: [{ name: 'c-old', uid: 'uid-c-old', kind: 'Job' }] });
  forbid.jobs.set(running);
  forbid.clock.advance(270_000);
  await forbid.sync();
  assert.equal(forbid.api.count('POST', '/jobs'), 0);
  const replace = setup({ concurrencyPolicy: 'Replace' }, { active: [{ name: 'c-old', uid: 'uid-c-old', kind: 'Job' }] });
  replace.jobs.set(running);
  replace.api.objects.set('/apis/batch/v1/namespaces/ns/jobs/c-old', running);
  replace.clock.advance(270_000);
  await replace.sync();
  assert.equal(replace.api.count('DELETE', '/jobs/c-old'), 1);
  assert.equal(replace.api.count('POST', '/jobs'), 1);
  assert.deepEqual(replace.cj().status?.active?.map((a) => a.name), [`c-${Date.parse('2026-03-01T10:05:00Z') / 60000}`]);
});

test('a run missed by more than startingDeadlineSeconds is skipped', async () => {
  const t = setup({ startingDeadlineSeconds: 10 });
  t.clock.advance(270_000 + 60_000);
  await t.sync();
  assert.equal(t.api.count('POST', '/jobs'), 0);
});

test('suspend: no Jobs', async () => {
  const t = setup({ suspend: true });
  t.clock.advance(600_000);
  await t.sync();
  assert.equal(t.api.count('POST', '/jobs'), 0);
});

test('finished Jobs leave status.active, set lastSuccessfulTime, and are trimmed to the history limits', async () => {
  const t = setup({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }, { active: [{ name: 'c-3', uid: 'uid-c-3', kind: 'Job' }] });
  const jobs = [childJob('c-1', 'Complete', '2026-03-01T08:00:00Z'), childJob('c-2', 'Failed', '2026-03-01T08:30:00Z'), childJob('c-3', 'Complete', '2026-03-01T09:00:00Z'), childJob('c-0', 'Failed', '2026-03-01T07:00:00Z')];
  for (const j of jobs) {
    t.jobs.set(j);
    t.api.objects.set(`/apis/batch/v1/namespaces/ns/jobs/${j.metadata.name}`, j);
  }
  await t.sync();
  assert.equal(t.cj().status?.active, undefined);
  assert.equal(t.cj().status?.lastSuccessfulTime, '2026-03-01T09:30:00Z');
  assert.deepEqual(t.api.writes.filter((w) => w.startsWith('DELETE')).sort(), ['DELETE /apis/batch/v1/namespaces/ns/jobs/c-0', 'DELETE /apis/batch/v1/namespaces/ns/jobs/c-1']);
});
