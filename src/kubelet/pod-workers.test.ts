import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, realClock, silentLogger } from '../client/index.js';
import { until } from '../client/testing/wait.js';
import { PodWorkers, type PodLifecycle, type PodSyncOutcome } from './pod-workers.js';
import type { Pod } from './types.js';

const pod = (v: string, deleting = false): Pod => ({ metadata: { uid: 'u', name: 'p', namespace: 'd', resourceVersion: v, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) }, spec: { containers: [] } });

function recorder(opts: { terminalAfter?: number; slowMs?: number } = {}) {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const lifecycle: PodLifecycle = {
    async sync(p) {
      calls.push(`sync ${p.metadata.resourceVersion}`);
      if (opts.slowMs) await new Promise<void>((r) => { release = r; setTimeout(r, opts.slowMs); });
      return { terminal: opts.terminalAfter !== undefined && calls.filter((c) => c.startsWith('sync')).length >= opts.terminalAfter };
    },
    async terminate(p, removed) { calls.push(`terminate ${p.metadata.resourceVersion}${removed ? ' removed' : ''}`); },
    async finalize(p, removed) { calls.push(`finalize ${p.metadata.resourceVersion}${removed ? ' removed' : ''}`); return true; },
  };
  return { calls, lifecycle, release: () => release?.() };
}

test('pod workers: updates while busy collapse into the newest; deletion terminates then finalizes', async () => {
  const r = recorder({ slowMs: 100 });
  const w = new PodWorkers({ lifecycle: r.lifecycle, clock: realClock, log: silentLogger, resyncMs: 10_000 });
  w.update(pod('1'));
  w.update(pod('2'));
  w.update(pod('3'));
  await until(() => r.calls.length >= 2, 'second sync', 5000);
  assert.deepEqual(r.calls, ['sync 1', 'sync 3']);
  w.update(pod('4', true));
  await until(() => w.state('u') === undefined, 'worker forgotten', 5000);
  assert.deepEqual(r.calls, ['sync 1', 'sync 3', 'terminate 4', 'finalize 4']);
  w.update(pod('5')); // a late event about a finalized pod starts nothing
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(r.calls.length, 4);
  await w.stop();
});

test('pod workers: a terminal pod is terminated once and waits for deletion; removal finalizes it', async () => {
  const r = recorder({ terminalAfter: 1 });
  const w = new PodWorkers({ lifecycle: r.lifecycle, clock: realClock, log: silentLogger, resyncMs: 10 });
  w.update(pod('1'));
  await until(() => w.state('u') === 'terminated', 'terminated', 5000);
  w.update(pod('2'));
  await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(r.calls, ['sync 1', 'terminate 1'], 'no sync after terminating');
  w.remove(pod('2'));
  await until(() => w.state('u') === undefined, 'finalized', 5000);
  assert.deepEqual(r.calls, ['sync 1', 'terminate 1', 'finalize 2 removed']);
  await w.stop();
});

test('pod workers: a running pod is synced again every resync period; errors retry', async () => {
  let fail = true;
  const calls: string[] = [];
  const w = new PodWorkers({
    clock: realClock, log: silentLogger, resyncMs: 10,
    lifecycle: {
      async sync() {
        calls.push('sync');
        if (fail) { fail = false; throw new Error('boom'); }
        return { terminal: false };
      },
      async terminate() {},
      async finalize() { return true; },
    },
  });
  w.update(pod('1'));
  await until(() => calls.length >= 4, 'resyncs', 5000);
  await w.stop();
  assert.equal(w.state('u'), 'syncing');
});

test('pod workers: settled pods come back after the resync period plus jitter, unsettled ones at the busy period, deadlines sooner', async () => {
  const clock = new FakeClock();
  const outcomes = new Map<string, PodSyncOutcome>([['s', { terminal: false, settled: true }], ['b', { terminal: false, settled: false }], ['d', { terminal: false, settled: true, dueInMs: 5000 }]]);
  const syncs: string[] = [];
  const w = new PodWorkers({
    clock, log: silentLogger, resyncMs: 60_000, busyResyncMs: 2000, resyncJitter: 0.5, random: () => 0.5,
    lifecycle: {
      async sync(p) { syncs.push(p.metadata.uid!); return outcomes.get(p.metadata.uid!)!; },
      async terminate() {},
      async finalize() { return true; },
    },
  });
  const named = (uid: string): Pod => ({ metadata: { uid, name: uid, namespace: 'd' }, spec: { containers: [] } });
  for (const uid of ['s', 'b', 'd']) w.update(named(uid));
  await until(() => syncs.length === 3, 'first syncs', 2000, 1);
  const count = (uid: string) => syncs.filter((s) => s === uid).length;
  const step = async (ms: number) => { clock.advance(ms); await new Promise((r) => setTimeout(r, 5)); };
  await step(2000);
  assert.deepEqual([count('s'), count('b'), count('d')], [1, 2, 1], 'busy pod after 2 s');
  await step(3000);
  assert.equal(count('d'), 2, 'the deadline pod at 5 s');
  await step(69_000); // 74 s: the settled pod's 60 s * 1.25
  assert.equal(count('s'), 1, 'not before 75 s');
  await step(1000);
  assert.equal(count('s'), 2, 'at 75 s');
  await w.stop();
});

test('pod workers: a poke while a sync runs makes one more sync after it', async () => {
  let release: () => void = () => {};
  let n = 0;
  const w = new PodWorkers({
    clock: realClock, log: silentLogger, resyncMs: 3_600_000,
    lifecycle: {
      async sync() {
        n++;
        if (n === 1) await new Promise<void>((r) => { release = r; });
        return { terminal: false, settled: true };
      },
      async terminate() {},
      async finalize() { return true; },
    },
  });
  w.update(pod('1'));
  await until(() => n === 1, 'first sync under way', 2000, 1);
  w.poke('u');
  w.poke('u');
  release();
  await until(() => n === 2, 'second sync for the pokes', 2000, 1);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(n, 2, 'two pokes during one pass: one more sync');
  await w.stop();
});
