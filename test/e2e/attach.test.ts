// `kubectl attach` and `kubectl run -i --rm` against real containers, over WebSocket
// (kubectl 1.33) and SPDY (1.27): output from the moment of attaching, stdin to a
// container that keeps it open, and `run -i` passing the container's exit code back
// without falling back to (and repeating) its logs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kubectlPath, type TestServer } from './harness.js';
import { bb, eventually, image, Kube, kubectlAsync, podManifest, skipReason, startAgentServer, stopAgentServer } from './agent-fixture.js';

/** `kubectl attach -i` fed input, read until want shows up (or 30 s), then interrupted; answers its output. */
function attachUntil(server: TestServer, version: string, pod: string, input: string, want: RegExp): Promise<string> {
  const child = spawn(kubectlPath(version), ['--kubeconfig', server.kubeconfig, 'attach', '-i', pod], { env: { ...process.env, KUBECACHEDIR: join(server.dataDir, 'kubectl-cache') } });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGINT'); reject(new Error(`kubectl ${version} attach: no ${want} within 30 s; stdout:\n${out}\nstderr:\n${err}`)); }, 30_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (want.test(out)) {
        clearTimeout(timer);
        child.kill('SIGINT');
        resolve(out);
      }
    });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.stdin.end(input);
  });
}

describe('kubectl attach and run -i', { skip: skipReason }, () => {
  let server: TestServer;
  let k: Kube;

  before(async () => {
    server = await startAgentServer('attach');
    k = new Kube(server);
  });

  for (const v of ['1.33', '1.27']) {
    test(`run -i --rm (kubectl ${v}): stdin reaches the container, its output comes once, its exit code is kubectl's`, async () => {
      const name = `rd-${v.replace('.', '')}`;
      const r = await kubectlAsync(server, v, ['run', name, `--image=${image}`, '--image-pull-policy=Never', '--restart=Never', '--rm', '-i', '--command', '--', 'sh', '-c', 'read l; echo got $l; exit 3'], 'hello-stdin\n');
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout.split('got hello-stdin').length - 1, 1, `the output once, not again from the logs:\n${r.stdout}`);
      assert.doesNotMatch(r.stderr, /couldn't attach/);
      await eventually(`pod ${name} to be deleted`, async () => ((await k.run('get', 'pod', name)).code !== 0 ? true : undefined));
    });
  }

  test('attach -i feeds a container that keeps its stdin open; output streams from the moment of attaching', async () => {
    await k.apply(podManifest('reader', { containers: [bb('reader', 'echo started; while read l; do echo "echo:$l"; done', { stdin: true })] }));
    await eventually('reader to run', async () => ((await k.pod('reader')).status.containerStatuses?.[0]?.ready ? true : undefined), 60_000);
    for (const [v, word] of [['1.33', 'first'], ['1.27', 'second']] as const) {
      // The session follows the container after kubectl's stdin ends (stdinOnce is false,
      // the container's stdin stays open): read until the echo comes, then detach.
      const out = await attachUntil(server, v, 'reader', `${word}\n`, new RegExp(`^echo:${word}$`, 'm'));
      assert.doesNotMatch(out, /started/, 'what the container wrote before the attach is not replayed');
    }
    const p = await k.pod('reader');
    assert.equal(p.status.containerStatuses?.[0]?.restartCount, 0, 'the container outlived both attaches');
    assert.match(await k.ok('logs', 'reader'), /started\necho:first\necho:second/);
  });

  after(async () => {
    if (server) await stopAgentServer(server);
  }, { timeout: 180_000 });
});
