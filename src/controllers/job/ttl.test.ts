import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { Cache } from '../../client/lister.js';
import { silentLogger } from '../../client/log.js';
import { RecordingApi } from '../history/testing.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { syncTTL, timeLeftMs } from './ttl.js';
import type { Job } from './types.js';

const path = '/apis/batch/v1/namespaces/ns/jobs/j';
const finished = (ttl: number | undefined): Job => ({
  metadata: { name: 'j', namespace: 'ns', uid: 'u', resourceVersion: '5' },
  spec: { ttlSecondsAfterFinished: ttl },
  status: { completionTime: '2026-01-01T00:00:00Z', conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});

test('a finished job is deleted ttlSecondsAfterFinished after it finished, checked again on a fresh read', async () => {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:30Z'));
  const api = new RecordingApi();
  const jobs = new Cache<Job>();
  jobs.set(finished(60));
  api.objects.set(path, finished(60));
  const deps = { client: api.client, log: silentLogger, clock, jobs };
  assert.deepEqual(await syncTTL('ns/j', deps), { requeueAfterMs: 30_000 });
  assert.equal(api.count('DELETE'), 0);
  // Meanwhile someone raised the TTL: the cache is stale, the fresh read wins.
  clock.advance(30_000);
  api.objects.set(path, finished(120));
  assert.deepEqual(await syncTTL('ns/j', deps), { requeueAfterMs: 60_000 });
  assert.equal(api.count('DELETE'), 0);
  clock.advance(60_000);
  await syncTTL('ns/j', deps);
  assert.equal(api.count('DELETE', path), 1);
});

test('jobs without a TTL, or not finished, are never due', () => {
  assert.equal(timeLeftMs(finished(undefined), Date.now()), undefined);
  assert.equal(timeLeftMs({ metadata: {}, spec: { ttlSecondsAfterFinished: 0 } }, Date.now()), undefined);
  assert.equal(timeLeftMs(finished(0), Date.parse('2026-01-01T00:00:00Z')), 0);
});

test('pod failure policy: the first matching rule by exit code or condition decides', () => {
  const job: Job = { metadata: {}, spec: { podFailurePolicy: { rules: [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [42] } },
  ] } } };
  const failedWith = (code: number, conditions: { type: string; status: string }[] = []) => ({ metadata: { name: 'p', namespace: 'ns' }, status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode: code } } }] } });
  assert.equal(matchPodFailurePolicy(job, failedWith(42))?.action, 'FailJob');
  assert.match(matchPodFailurePolicy(job, failedWith(42))!.message, /Container main for pod ns\/p failed with exit code 42 matching FailJob rule at index 1/);
  assert.equal(matchPodFailurePolicy(job, failedWith(1))?.action, 'Count');
  assert.equal(matchPodFailurePolicy(job, failedWith(42, [{ type: 'DisruptionTarget', status: 'True' }]))?.action, 'Ignore');
});
