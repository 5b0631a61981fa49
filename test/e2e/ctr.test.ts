// `k8ts ctr` end to end: the real bin/k8ts, real conmon and crun/runc, the project's
// busybox image imported from its OCI archive and pulled from a loopback docker-registry.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestImages } from '../../src/runtime/oci/image/testing/fixtures.js';
import { startRegistry, skopeoPush } from '../../src/runtime/oci/image/testing/registry.js';
import { forceCleanup } from '../../src/runtime/oci/testing/harness.js';

// dist/test/e2e/ctr.test.js -> the repository root.
const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const bin = join(repo, 'bin', 'k8ts');

/** Our env minus the test runner's marker, which would make the child act as a test file. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

interface Result { code: number; stdout: string; stderr: string }

function ctr(root: string, cgroupParent: string, args: string[], input?: string, runtime = 'crun'): Promise<Result> {
  return new Promise((res) => {
    if (process.env.K8TS_E2E_DEBUG) process.stderr.write(`ctr ${args.join(' ')}\n`);
    const p = spawn(process.execPath, [bin, 'ctr', '--root', root, '--runtime', runtime, '--cgroup-parent', cgroupParent, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d; });
    p.stderr.on('data', (d: Buffer) => { stderr += d; });
    p.stdin.end(input ?? '');
    p.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

test('k8ts ctr: import, run, ps, exec, logs, stop, inspect, rm, errors', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-ctr-e2e-'));
  const root = join(dir, 'root');
  const cg = `/k8ts-e2e-${dir.split('-').pop()}`;
  t.after(async () => {
    await forceCleanup(root, ['crun', 'runc'], cg);
    rmSync(dir, { recursive: true, force: true });
  });
  const c = (args: string[], input?: string, runtime?: string) => ctr(root, cg, args, input, runtime);
  const images = await writeTestImages(dir);

  let r = await c(['image', 'import', images.ociArchive]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Loaded image: k8ts\.test\/busybox:latest/);
  r = await c(['images']);
  assert.match(r.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/m);
  assert.match(r.stdout, /k8ts\.test\/busybox\s+latest\s+[0-9a-f]{12}/);

  r = await c(['run', '--rm', 'k8ts.test/busybox', 'sh', '-c', 'echo hello; echo oops >&2; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'hello\n');
  assert.equal(r.stderr, 'oops\n');
  r = await c(['run', '--rm', 'k8ts.test/busybox', 'hostname']);
  assert.equal(r.code, 0);
  for (const runtime of ['crun', 'runc']) {
    r = await c(['run', '--rm', '-i', 'k8ts.test/busybox', 'sh', '-c', 'cat; echo pid=$$'], 'piped in\n', runtime);
    assert.equal(r.code, 0, `${runtime}: ${r.stderr}`);
    assert.equal(r.stdout, 'piped in\npid=1\n');
  }
  r = await c(['run', '--rm', '-e', 'GREETING=hi', '--read-only', '-v', `${dir}:/host:ro`, 'k8ts.test/busybox', 'sh', '-c', 'echo $GREETING; test -f /host/busybox-oci.tar && echo mounted; touch /x 2>/dev/null || echo ro']);
  assert.equal(r.stdout, 'hi\nmounted\nro\n', r.stderr);

  r = await c(['run', '-d', '--name', 'web', '--memory', '64m', '--cpus', '0.5', 'k8ts.test/busybox', 'sh', '-c', 'echo up; trap "echo bye; exit 0" TERM; sleep 100000 & wait']);
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  r = await c(['ps']);
  assert.match(r.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+NAMES$/m);
  assert.match(r.stdout, new RegExp(`^${id.slice(0, 12)}\\s+k8ts\\.test/busybox\\s+.*Up .*web$`, 'm'));
  r = await c(['exec', 'web', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']);
  assert.equal(r.stdout.trim(), String(64 * 1024 * 1024));
  r = await c(['exec', '-i', id.slice(0, 8), 'sh', '-c', 'cat; exit 6'], 'to exec\n');
  assert.equal(r.code, 6);
  assert.equal(r.stdout, 'to exec\n');
  r = await c(['rm', 'web']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /is running/);
  r = await c(['stop', 'web']);
  assert.equal(r.code, 0, r.stderr);
  r = await c(['logs', 'web']);
  assert.equal(r.stdout, 'up\nbye\n');
  r = await c(['ps']);
  assert.doesNotMatch(r.stdout, /web/);
  r = await c(['ps', '-a']);
  assert.match(r.stdout, /Exited \(0\).*web/);
  r = await c(['inspect', 'web']);
  const [info] = JSON.parse(r.stdout) as [{ Id: string; State: { ExitCode: number; Status: string; OOMKilled: boolean } }];
  assert.equal(info.Id, id);
  assert.equal(info.State.Status, 'exited');
  assert.equal(info.State.ExitCode, 0);
  r = await c(['rm', 'web']);
  assert.equal(r.code, 0);
  r = await c(['ps', '-a', '-q']);
  assert.equal(r.stdout, '');

  r = await c(['run', '--name', 'hog', '--memory', '16m', 'k8ts.test/busybox', 'sh', '-c', 'x=aaaaaaaa; while :; do x="$x$x"; done']);
  assert.equal(r.code, 137);
  r = await c(['inspect', 'hog']);
  assert.equal((JSON.parse(r.stdout) as [{ State: { OOMKilled: boolean } }])[0].State.OOMKilled, true);
  assert.equal((await c(['rm', '-f', 'hog'])).code, 0);

  // Errors say what was wrong and exit non-zero.
  r = await c(['run', '--bogus', 'k8ts.test/busybox']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown flag: --bogus/);
  r = await c(['run', '--memory', 'lots', 'k8ts.test/busybox']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /invalid --memory/);
  r = await c(['run', '--rm', '127.0.0.1:1/nothing:here', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /unreachable/);
  r = await c(['logs', 'no-such-container']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No such container: no-such-container/);
  r = await c(['rmi', 'k8ts.test/missing:1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No such image/);
  r = await c(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);

  r = await c(['rmi', 'k8ts.test/busybox']);
  assert.equal(r.code, 0, r.stderr);
  r = await c(['images', '-q']);
  assert.equal(r.stdout, '');
});

test('k8ts ctr: pull from a loopback docker-registry, then run', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-ctr-e2e-'));
  const root = join(dir, 'root');
  const cg = `/k8ts-e2e-${dir.split('-').pop()}`;
  const registry = await startRegistry();
  t.after(async () => {
    await forceCleanup(root, ['crun', 'runc'], cg);
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const images = await writeTestImages(dir);
  const ref = `${registry.host}/k8ts/busybox:1`;
  await skopeoPush(`oci-archive:${images.ociArchive}`, ref);
  let r = await ctr(root, cg, ['pull', ref]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sha256:[0-9a-f]{64}/);
  r = await ctr(root, cg, ['run', '--rm', ref, 'echo', 'pulled']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'pulled\n');
});
