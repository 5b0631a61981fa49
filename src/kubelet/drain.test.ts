import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock, silentLogger } from '../client/index.js';
import { drainPodEndpoints, type EndpointDrain, type EndpointGone } from './drain.js';
import type { Pod } from './types.js';

const pod = (extra: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'web-1', namespace: 'default', uid: 'u1' }, spec: { containers: [], ...extra } });

/** Answers after `afterMs` (or never, until aborted), recording who asked. */
class ScriptedDrain implements EndpointDrain {
  readonly asked: string[] = [];
  constructor(private readonly answer: EndpointGone | 'never', private readonly afterMs = 0) {}
  whenEndpointGone(ip: string, signal?: AbortSignal): Promise<EndpointGone> {
    this.asked.push(ip);
    return new Promise((resolve) => {
      if (this.answer !== 'never') setTimeout(() => resolve(this.answer as EndpointGone), this.afterMs);
      signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
  }
}

const deps = (drain?: EndpointDrain) => ({ endpointDrain: drain, clock: realClock, log: silentLogger });

test('a drained endpoint is followed by the settle margin', async () => {
  const drain = new ScriptedDrain('drained', 50);
  const ms = await drainPodEndpoints(deps(drain), pod(), '10.42.0.7', 30, 200);
  assert.deepEqual(drain.asked, ['10.42.0.7']);
  assert.ok(ms >= 240 && ms < 1000, `${ms} ms`);
});

test('an IP no service lists is not held up by the settle margin', async () => {
  const ms = await drainPodEndpoints(deps(new ScriptedDrain('absent')), pod(), '10.42.0.7', 30, 5000);
  assert.ok(ms < 100, `${ms} ms`);
});

test('the wait is bounded by half the grace period', async () => {
  const started = Date.now();
  await drainPodEndpoints(deps(new ScriptedDrain('never')), pod(), '10.42.0.7', 1);
  const took = Date.now() - started;
  assert.ok(took >= 480 && took < 1500, `${took} ms`);
});

test('force deletes, host-network pods, pods without an IP and kubelets without a proxy do not wait', async () => {
  const drain = new ScriptedDrain('never');
  assert.equal(await drainPodEndpoints(deps(drain), pod(), '10.42.0.7', 0), 0);
  assert.equal(await drainPodEndpoints(deps(drain), pod({ hostNetwork: true }), '192.168.1.5', 30), 0);
  assert.equal(await drainPodEndpoints(deps(drain), pod(), '', 30), 0);
  assert.equal(await drainPodEndpoints(deps(undefined), pod(), '10.42.0.7', 30), 0);
  assert.deepEqual(drain.asked, []);
});
