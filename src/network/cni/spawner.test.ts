import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
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

test('arguments reach the program; a detached one answers with its fd 3 message and keeps running', async (t) => {
  const s = new Spawner();
  t.after(() => s.close());
  const echo = await s.run('/bin/echo', {}, '', 10_000, ['a b', 'c']);
  assert.deepEqual(echo, { code: 0, stdout: 'a b c\n', stderr: '' });
  const d = await s.detached('/bin/sh', ['-c', 'echo warming >&2; printf \'{"data": 42}\' >&3; exec sleep 30'], { PATH: '/usr/bin:/bin' }, '/tmp', 10_000);
  t.after(() => { try { process.kill(d.pid, 'SIGKILL'); } catch { /* gone */ } });
  assert.equal(d.message, '{"data": 42}');
  assert.match(d.stderr, /^(warming\n)?$/);
  const stat = readFileSync(`/proc/${d.pid}/stat`, 'utf8').split(' ');
  assert.equal(stat[5], String(d.pid), 'its own session');
  assert.equal(readlinkSync(`/proc/${d.pid}/cwd`), '/tmp');
  process.kill(d.pid, 'SIGKILL');
  // The helper reaps it: no zombie stays behind.
  const until = Date.now() + 5000;
  while (existsSync(`/proc/${d.pid}`) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.equal(existsSync(`/proc/${d.pid}`), false, existsSync(`/proc/${d.pid}`) ? readFileSync(`/proc/${d.pid}/stat`, 'utf8').slice(0, 60) : '');
  const early = await s.detached('/bin/true', [], {}, '', 10_000);
  assert.equal(early.message, '', 'closing fd 3 without a message answers too');
});
