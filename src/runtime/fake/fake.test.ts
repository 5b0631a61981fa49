import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRuntimeContract, type ContractProgram } from '../contract/index.js';
import { FakeRuntimeService, type FakeProgram } from './runtime.js';
import { FakeImageService } from './images.js';
import { ImagePullError, NotFoundError } from '../cri.js';

function toFake(p: ContractProgram): FakeProgram {
  const base = { stdout: p.stdout, stderr: p.stderr };
  switch (p.run) {
    case 'exit': return { ...base, exitCode: p.exitCode ?? 0 };
    case 'untilStopped': return base;
    case 'trapTerm': return { ...base, stopExitCode: p.exitCode ?? 0 };
    case 'ignoreTerm': return { ...base, ignoreStopSignal: true };
  }
}

runRuntimeContract('fake', async () => ({
  // The program rides in the command line so the fake can read it back.
  runtime: new FakeRuntimeService({ program: (c) => toFake(JSON.parse(c.command?.[1] ?? '{"run":"untilStopped"}') as ContractProgram) }),
  program: (p) => ({ image: { image: 'busybox' }, command: ['fake', JSON.stringify(p)] }),
  cleanup: async () => {},
}));

test('fake: containers exit on command, deterministically', async () => {
  const mk = async () => {
    const rt = new FakeRuntimeService({ clock: (() => { let t = 1000; return () => (t += 10); })() });
    const sbc = { metadata: { name: 'p', uid: 'u', namespace: 'n', attempt: 0 } };
    const sb = await rt.runPodSandbox(sbc);
    const id = await rt.createContainer(sb, { metadata: { name: 'c', attempt: 0 }, image: { image: 'x' } }, sbc);
    await rt.startContainer(id);
    rt.writeLog(id, 'stdout', 'line');
    rt.exitContainer(id, 137, { oomKilled: true });
    return { id, s: await rt.containerStatus(id) };
  };
  const a = await mk();
  const b = await mk();
  assert.equal(a.id, b.id);
  assert.deepEqual(a.s, b.s);
  assert.equal(a.s.reason, 'OOMKilled');
  assert.equal(a.s.exitCode, 137);
});

test('fake images: pull, list, status, remove, unknown', async () => {
  const im = new FakeImageService({ pullable: (r) => !r.startsWith('missing') });
  const id = await im.pullImage({ image: 'busybox' });
  assert.equal((await im.imageStatus({ image: 'busybox:latest' }))?.id, id);
  assert.equal((await im.listImages()).length, 1);
  await assert.rejects(im.pullImage({ image: 'missing/x' }), ImagePullError);
  await im.removeImage({ image: id });
  assert.equal(await im.imageStatus({ image: 'busybox' }), null);
  await assert.rejects(im.removeImage({ image: 'busybox' }), NotFoundError);
});
