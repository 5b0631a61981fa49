import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Spawner } from './spawner.js';

test('the spawner runs programs with exactly the given env, stdin, and reports output and status', async (t) => {
  const s = new Spawner();
  t.after(() => s.close());
  // sh reads its script from stdin: the stdin arrives whole.
  const r = await s.run('/bin/sh', { PATH: '/usr/bin:/bin', ONLY: 'this one' }, 'echo "$ONLY/${HOME:-nohome}"; echo oops >&2; exit 3', 10_000);
  assert.deepEqual(r, { code: 3, stdout: 'this one/nohome\n', stderr: 'oops\n' });
});

test('many at once, each with its own result; a hung one is killed at its timeout', async (t) => {
  const s = new Spawner();
  t.after(() => s.close());
  const jobs = Array.from({ length: 20 }, (_, i) => s.run('/bin/sh', { N: String(i) }, `printf %s "$N"; exit $(( N % 4 ))`, 10_000));
  const results = await Promise.all(jobs);
  results.forEach((r, i) => assert.deepEqual(r, { code: i % 4, stdout: String(i), stderr: '' }));
  const t0 = Date.now();
  const hung = await s.run('/bin/sh', { PATH: '/usr/bin:/bin' }, 'exec sleep 30', 200).catch((e: Error) => e);
  assert.ok(!(hung instanceof Error));
  assert.equal((hung as { code: number }).code, 128 + 9, 'SIGKILL');
  assert.ok(Date.now() - t0 < 5000);
});

test('a program that cannot be executed: status 127 and the reason', async (t) => {
  const s = new Spawner();
  t.after(() => s.close());
  const r = await s.run('/nonexistent/plugin', {}, '', 10_000);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /exec: No such file/);
});
