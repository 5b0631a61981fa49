import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock, silentLogger } from '../client/index.js';
import { until } from '../client/testing/wait.js';
import { PodWorkers, type PodLifecycle } from './pod-workers.js';
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
