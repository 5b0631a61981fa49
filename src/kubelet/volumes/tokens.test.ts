import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { TokenCache, type TokenIssuer } from './tokens.js';
import { testPod } from './test-fixture.js';

function issuer(clock: FakeClock): TokenIssuer & { calls: number; fail: boolean } {
  const me = {
    calls: 0,
    fail: false,
    async issue(_pod: unknown, _sa: string, spec: { expirationSeconds: number }) {
      if (me.fail) throw new Error('server down');
      me.calls++;
      return { token: `t${me.calls}`, expiresAt: clock.now() + spec.expirationSeconds * 1000 };
    },
  };
  return me;
}

test('tokens rotate at 80% of their life and at 24 h; a failed rotation keeps a live token', async () => {
  const clock = new FakeClock();
  const iss = issuer(clock);
  const cache = new TokenCache(iss, clock);
  const pod = testPod([]);
  const spec = { expirationSeconds: 1000 };
  assert.equal(await cache.get(pod, 'default', spec), 't1');
  clock.advance(799_000);
  assert.equal(await cache.get(pod, 'default', spec), 't1');
  clock.advance(1_000);
  assert.equal(await cache.get(pod, 'default', spec), 't2');
  // Different audiences are different tokens.
  assert.equal(await cache.get(pod, 'default', { ...spec, audience: 'vault' }), 't3');

  iss.fail = true;
  clock.advance(850_000); // t2 is due but not expired
  assert.equal(await cache.get(pod, 'default', spec), 't2');
  clock.advance(200_000); // now expired: the failure shows
  await assert.rejects(cache.get(pod, 'default', spec), /server down/);

  iss.fail = false;
  const long = { expirationSeconds: 7 * 24 * 3600 };
  const first = await cache.get(pod, 'default', long);
  clock.advance(24 * 3600 * 1000 + 1);
  assert.notEqual(await cache.get(pod, 'default', long), first);

  cache.forgetPod(pod.metadata.uid!);
  const calls = iss.calls;
  await cache.get(pod, 'default', long);
  assert.equal(iss.calls, calls + 1);
});
