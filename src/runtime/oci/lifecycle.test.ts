// Lifecycle of real containers beyond the shared contract: surviving the death of the
// runtime process, exec with a TTY and stdin, CRI-format logs and their rotation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { newOciTestEnv } from './testing/harness.js';
import { logsOf, podConfig, waitExited } from './testing/run.js';
import type { RuntimeService } from '../cri.js';

const childScript = fileURLToPath(new URL('./testing/restart-child.js', import.meta.url));

async function readAll(s: Readable | null): Promise<string> {
  if (!s) return '';
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts).toString();
}

async function runningContainer(rt: RuntimeService, script = 'trap "exit 0" TERM; sleep 100000 & wait') {
  const sbc = podConfig();
  const sb = await rt.runPodSandbox(sbc);
  const id = await rt.createContainer(sb, { metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' }, command: ['sh', '-c', script] }, sbc);
  await rt.startContainer(id);
  return id;
}

for (const name of ['crun', 'runc'] as const) {
  test(`oci/${name}: containers survive kill -9 of the runtime process and are found again`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const child = spawn(process.execPath, [childScript, env.root, join(env.dir, 'busybox'), env.cgroupParent, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => { buf += d; if (buf.includes('\n')) resolve(buf.split('\n')[0]!); });
      child.on('exit', (c) => reject(new Error(`child exited ${c} before reporting`)));
    });
    const { id } = JSON.parse(line) as { sandboxId: string; id: string };
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const again = await env.reopen();
    const s = await again.containerStatus(id);
    assert.equal(s.state, 'CONTAINER_RUNNING');
    assert.equal((await again.execSync(id, ['echo', 'alive'], 10)).stdout.toString(), 'alive\n');
    await again.stopContainer(id, 10);
    const done = await waitExited(again, id);
    assert.equal(done.exitCode, 7);
    const logs = await logsOf(again, id);
    assert.equal(logs.stdout, 'started\ngot-term');
  });

  test(`oci/${name}: exec with and without a TTY, with stdin`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const rt = env.runtime;
    const id = await runningContainer(rt);

    const plain = await rt.exec(id, { cmd: ['sh', '-c', 'read line; echo "out:$line"; echo "err:$line" >&2; exit 5'], stdin: true });
    plain.stdin!.end('hello\n');
    const [out, err, code] = await Promise.all([readAll(plain.stdout), readAll(plain.stderr), plain.exit]);
    assert.equal(out, 'out:hello\n');
    assert.equal(err, 'err:hello\n');
    assert.equal(code, 5);

    const tty = await rt.exec(id, { cmd: ['sh', '-c', 'tty; read a; stty size; echo "got:$a"; exit 3'], tty: true, stdin: true });
    assert.equal(tty.stderr, null);
    let text = '';
    tty.stdout.on('data', (d: Buffer) => { text += d.toString(); });
    await tty.resize({ width: 101, height: 33 });
    tty.stdin!.write('typed\n');
    assert.equal(await tty.exit, 3);
    assert.match(text, /\/dev\/pts\/\d+/);
    assert.match(text, /33 101/);
    assert.match(text, /got:typed/);

    const sync = await rt.execSync(id, ['sh', '-c', 'echo $HOSTNAME; id -u'], 10);
    assert.equal(sync.exitCode, 0);
    assert.match(sync.stdout.toString(), /^\d+\n$/m);
    await assert.rejects(rt.execSync(id, ['sleep', '30'], 1), { code: 'ERR_EXEC_TIMEOUT' });
  });

  test(`oci/${name}: attach with stdin feeds the main process and sees its output`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const rt = env.runtime;
    const sbc = podConfig();
    const sb = await rt.runPodSandbox(sbc);
    const id = await rt.createContainer(sb, { metadata: { name: 'cat', attempt: 0 }, image: { image: 'busybox' }, command: ['sh', '-c', 'cat; echo bye >&2; exit 4'], stdin: true, stdinOnce: true }, sbc);
    const a = await rt.attach(id, { stdin: true });
    await rt.startContainer(id);
    a.stdin!.end('hello\n');
    const [out, err, code] = await Promise.all([readAll(a.stdout), readAll(a.stderr), a.exit]);
    assert.equal(out, 'hello\n');
    assert.equal(err, 'bye\n');
    assert.equal(code, 4);
    assert.equal((await logsOf(rt, id)).stdout, 'hello');
  });

  test(`oci/${name}: logs are in CRI format and rotated by size`, async (t) => {
    const env = await newOciTestEnv(name, { logSizeMax: 16 * 1024 });
    t.after(() => env.cleanup());
    const rt = env.runtime;
    const id = await runningContainer(rt, 'echo first; echo oops >&2; printf partial; echo " done"; i=0; while [ $i -lt 3000 ]; do echo "line $i"; i=$((i+1)); done; echo last; exit 0');
    const s = await waitExited(rt, id);
    assert.equal(s.reason, 'Completed');
    const raw = await readFile(s.logPath, 'utf8');
    const records = raw.split('\n').filter(Boolean);
    for (const r of records) assert.match(r, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d) (stdout|stderr) (F|P) /);
    // 3000 lines are ~40 KiB: the file was rotated and holds at most about the limit.
    assert.ok((await stat(s.logPath)).size <= 20 * 1024, `log is ${(await stat(s.logPath)).size} bytes`);
    const lines = await logsOf(rt, id);
    assert.ok(lines.stdout.endsWith('line 2999\nlast'));
    assert.ok(!lines.stdout.includes('line 0\n'), 'the start was rotated away');
  });

  test(`oci/${name}: CRI log lines keep stdout, stderr and partial lines apart`, async (t) => {
    const env = await newOciTestEnv(name);
    t.after(() => env.cleanup());
    const rt = env.runtime;
    const id = await runningContainer(rt, 'echo first; echo oops >&2; printf "part"; sleep 0.2; echo "ial"; exit 0');
    await waitExited(rt, id);
    const lines: { stream: string; log: string }[] = [];
    for await (const l of rt.readContainerLogs(id)) lines.push({ stream: l.stream, log: l.log });
    assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.log), ['first', 'partial']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.log), ['oops']);
  });
}

test('oci: status reads while a container is being created never spoil its record', async (t) => {
  const env = await newOciTestEnv('crun');
  t.after(() => env.cleanup());
  const rt = env.runtime;
  const sbc = podConfig();
  const sb = await rt.runPodSandbox(sbc);
  let creating = true;
  const seen = new Set<string>();
  // A second runtime instance over the same root, as a kubelet relisting would be.
  const other = await env.reopen();
  const poller = (async () => {
    while (creating) {
      for (const c of await other.listContainers()) seen.add((await other.containerStatus(c.id).catch(() => ({ state: 'gone' }))).state);
      await new Promise((r) => setImmediate(r));
    }
  })();
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await rt.createContainer(sb, { metadata: { name: `c${i}`, attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '100000'] }, sbc));
  creating = false;
  await poller;
  assert.ok(!seen.has('CONTAINER_UNKNOWN'), `states seen: ${[...seen].join(', ')}`);
  for (const id of ids) {
    await rt.startContainer(id);
    assert.equal((await rt.containerStatus(id)).state, 'CONTAINER_RUNNING');
  }
});
