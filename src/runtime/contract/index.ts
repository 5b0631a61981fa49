// The conformance suite every RuntimeService must pass (fake and oci alike), in the
// style of hono's shared router tests: one list of behaviours, each implementation
// hands in a harness, and any skip is named and explained in that harness.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, InvalidStateError, type ContainerConfig, type ContainerStatus, type LogLine, type PodSandboxConfig, type RuntimeService } from '../cri.js';
import type { ContractProgram } from './program.js';

export { shellScript, type ContractProgram } from './program.js';

export const contractTests = [
  'sandbox lifecycle', 'container state machine', 'exit codes', 'list filters', 'stop with grace period',
  'remove', 'logs', 'exec', 'remove sandbox removes its containers', 'not found',
] as const;
export type ContractTestName = (typeof contractTests)[number];

export interface ContractHarness {
  runtime: RuntimeService;
  /** The image, command and args that make a container run `p`. */
  program(p: ContractProgram): Pick<ContainerConfig, 'image' | 'command' | 'args'>;
  /** Extra sandbox settings (log directory, ...) merged into every sandbox config. */
  sandboxDefaults?: Partial<PodSandboxConfig>;
  /** Tests this implementation skips, each with the reason. */
  skip?: Partial<Record<ContractTestName, string>>;
  /** Removes everything the harness made; called even when a test fails. */
  cleanup(): Promise<void>;
}

let seq = 0;

function sandboxConfig(h: ContractHarness, labels: Record<string, string> = {}): PodSandboxConfig {
  const n = ++seq;
  return { ...h.sandboxDefaults, metadata: { name: `pod-${n}`, uid: `uid-${n}`, namespace: 'contract', attempt: 0 }, labels };
}

async function waitFor(rt: RuntimeService, id: string, ok: (s: ContainerStatus) => boolean, ms = 15000): Promise<ContainerStatus> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await rt.containerStatus(id);
    if (ok(s)) return s;
    if (Date.now() > deadline) assert.fail(`container ${id} still ${s.state} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const exited = (s: ContainerStatus) => s.state === 'CONTAINER_EXITED';

async function collect(it: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

export function runRuntimeContract(name: string, newHarness: () => Promise<ContractHarness>): void {
  const body: Record<ContractTestName, (h: ContractHarness) => Promise<void>> = {
    async 'sandbox lifecycle'(h) {
      const rt = h.runtime;
      const id = await rt.runPodSandbox(sandboxConfig(h, { app: 'a' }));
      const st = await rt.podSandboxStatus(id);
      assert.equal(st.state, 'SANDBOX_READY');
      assert.equal(st.metadata.namespace, 'contract');
      assert.ok(st.createdAt > 0);
      assert.deepEqual((await rt.listPodSandbox({ labelSelector: { app: 'a' } })).map((s) => s.id), [id]);
      assert.deepEqual(await rt.listPodSandbox({ labelSelector: { app: 'nope' } }), []);
      await rt.stopPodSandbox(id);
      assert.equal((await rt.podSandboxStatus(id)).state, 'SANDBOX_NOTREADY');
      await rt.stopPodSandbox(id);
      await rt.removePodSandbox(id);
      await assert.rejects(rt.podSandboxStatus(id), NotFoundError);
      await rt.removePodSandbox(id);
    },
    async 'container state machine'(h) {
      const rt = h.runtime;
      const sbc = sandboxConfig(h);
      const sb = await rt.runPodSandbox(sbc);
      const id = await rt.createContainer(sb, { metadata: { name: 'c', attempt: 2 }, labels: { k: 'v' }, ...h.program({ run: 'untilStopped' }) }, sbc);
      let s = await rt.containerStatus(id);
      assert.equal(s.state, 'CONTAINER_CREATED');
      assert.equal(s.metadata.attempt, 2);
      assert.equal(s.podSandboxId, sb);
      assert.equal(s.startedAt, 0);
      await rt.startContainer(id);
      s = await rt.containerStatus(id);
      assert.equal(s.state, 'CONTAINER_RUNNING');
      assert.ok(s.startedAt >= s.createdAt);
      await assert.rejects(rt.startContainer(id), InvalidStateError);
      await rt.stopContainer(id, 5);
      s = await waitFor(rt, id, exited);
      assert.ok(s.finishedAt >= s.startedAt);
      await rt.removePodSandbox(sb);
    },
    async 'exit codes'(h) {
      const rt = h.runtime;
      const sbc = sandboxConfig(h);
      const sb = await rt.runPodSandbox(sbc);
      const run = async (code: number) => {
        const id = await rt.createContainer(sb, { metadata: { name: `e${code}`, attempt: 0 }, ...h.program({ run: 'exit', exitCode: code }) }, sbc);
        await rt.startContainer(id);
        return waitFor(rt, id, exited);
      };
      const zero = await run(0);
      assert.equal(zero.exitCode, 0);
      assert.equal(zero.reason, 'Completed');
      const three = await run(3);
      assert.equal(three.exitCode, 3);
      assert.equal(three.reason, 'Error');
      await rt.removePodSandbox(sb);
    },
    async 'list filters'(h) {
      const rt = h.runtime;
      const c1 = sandboxConfig(h); const c2 = sandboxConfig(h);
      const sb1 = await rt.runPodSandbox(c1);
      const sb2 = await rt.runPodSandbox(c2);
      const a = await rt.createContainer(sb1, { metadata: { name: 'a', attempt: 0 }, labels: { tier: 'web' }, ...h.program({ run: 'untilStopped' }) }, c1);
      const b = await rt.createContainer(sb2, { metadata: { name: 'b', attempt: 0 }, labels: { tier: 'db' }, ...h.program({ run: 'untilStopped' }) }, c2);
      await rt.startContainer(a);
      const ids = async (f: Parameters<RuntimeService['listContainers']>[0]) => (await rt.listContainers(f)).map((c) => c.id).sort();
      assert.deepEqual(await ids({ podSandboxId: sb1 }), [a]);
      assert.deepEqual(await ids({ podSandboxId: sb2 }), [b]);
      assert.deepEqual(await ids({ state: 'CONTAINER_RUNNING', podSandboxId: sb1 }), [a]);
      assert.deepEqual(await ids({ state: 'CONTAINER_CREATED', podSandboxId: sb2 }), [b]);
      assert.deepEqual(await ids({ labelSelector: { tier: 'db' } }), [b]);
      assert.deepEqual(await ids({ id: a }), [a]);
      const all = await ids({});
      assert.ok(all.includes(a) && all.includes(b));
      await rt.removePodSandbox(sb1);
      await rt.removePodSandbox(sb2);
    },
    async 'stop with grace period'(h) {
      const rt = h.runtime;
      const sbc = sandboxConfig(h);
      const sb = await rt.runPodSandbox(sbc);
      const trap = await rt.createContainer(sb, { metadata: { name: 'trap', attempt: 0 }, ...h.program({ run: 'trapTerm', exitCode: 42 }) }, sbc);
      const deaf = await rt.createContainer(sb, { metadata: { name: 'deaf', attempt: 0 }, ...h.program({ run: 'ignoreTerm' }) }, sbc);
      await rt.startContainer(trap);
      await rt.startContainer(deaf);
      // Give the shells time to install their traps before signalling them.
      await new Promise((r) => setTimeout(r, 300));
      await rt.stopContainer(trap, 10);
      assert.equal((await waitFor(rt, trap, exited)).exitCode, 42);
      await rt.stopContainer(deaf, 1);
      assert.equal((await waitFor(rt, deaf, exited)).exitCode, 137);
      await rt.stopContainer(deaf, 1);
      await rt.removePodSandbox(sb);
    },
    async remove(h) {
      const rt = h.runtime;
      const sbc = sandboxConfig(h);
      const sb = await rt.runPodSandbox(sbc);
      const id = await rt.createContainer(sb, { metadata: { name: 'r', attempt: 0 }, ...h.program({ run: 'untilStopped' }) }, sbc);
      await rt.startContainer(id);
      await rt.removeContainer(id);
      await assert.rejects(rt.containerStatus(id), NotFoundError);
      assert.deepEqual(await rt.listContainers({ id }), []);
      await rt.removeContainer(id);
      await rt.removePodSandbox(sb);
    },
    async logs(h) {
      const rt = h.runtime;
      const sbc = sandboxConfig(h);
      const sb = await rt.runPodSandbox(sbc);
      const id = await rt.createContainer(sb, { metadata: { name: 'l', attempt: 0 }, ...h.program({ run: 'exit', stdout: ['hello', 'world'], stderr: ['oops'] }) }, sbc);
      await rt.startContainer(id);
      const followed = await collect(rt.readContainerLogs(id, { follow: true }));
      const s = await waitFor(rt, id, exited);
      assert.ok(s.logPath.length > 0);
      assert.deepEqual(followed.filter((l) => l.stream === 'stdout').map((l) => l.log), ['hello', 'world']);
      assert.deepEqual(followed.filter((l) => l.stream === 'stderr').map((l) => l.log), ['oops']);
      assert.ok(followed.every((l) => l.timestamp > 0));
      const tail = await collect(rt.readContainerLogs(id, { tail: 1 }));
      assert.equal(tail.length, 1);
      await rt.removePodSandbox(sb);
    },
    async exec(h) {
      const rt = h.runtime;
      const sbc = sandboxConfig(h);
      const sb = await rt.runPodSandbox(sbc);
      const id = await rt.createContainer(sb, { metadata: { name: 'x', attempt: 0 }, ...h.program({ run: 'untilStopped' }) }, sbc);
      await assert.rejects(rt.execSync(id, ['echo', 'hi'], 5), InvalidStateError);
      await rt.startContainer(id);
      const r = await rt.execSync(id, ['echo', 'hi'], 10);
      assert.equal(r.stdout.toString(), 'hi\n');
      assert.equal(r.exitCode, 0);
      assert.equal((await rt.execSync(id, ['sh', '-c', 'exit 7'], 10)).exitCode, 7);
      const s = await rt.exec(id, { cmd: ['cat'], stdin: true });
      const out: Buffer[] = [];
      s.stdout.on('data', (d: Buffer) => out.push(d));
      s.stdin!.end('ping\n');
      assert.equal(await s.exit, 0);
      await new Promise((r) => setImmediate(r));
      assert.equal(Buffer.concat(out).toString(), 'ping\n');
      await rt.removePodSandbox(sb);
    },
    async 'remove sandbox removes its containers'(h) {
      const rt = h.runtime;
      const sbc = sandboxConfig(h);
      const sb = await rt.runPodSandbox(sbc);
      const id = await rt.createContainer(sb, { metadata: { name: 'g', attempt: 0 }, ...h.program({ run: 'untilStopped' }) }, sbc);
      await rt.startContainer(id);
      await rt.stopPodSandbox(sb);
      assert.equal((await rt.containerStatus(id)).state, 'CONTAINER_EXITED');
      await rt.removePodSandbox(sb);
      await assert.rejects(rt.containerStatus(id), NotFoundError);
    },
    async 'not found'(h) {
      const rt = h.runtime;
      const missing = 'f'.repeat(64);
      await assert.rejects(rt.containerStatus(missing), (e: unknown) => e instanceof NotFoundError && e.code === 'ERR_NOT_FOUND');
      await assert.rejects(rt.startContainer(missing), NotFoundError);
      await assert.rejects(rt.podSandboxStatus(missing), NotFoundError);
      const sbc = sandboxConfig(h);
      await assert.rejects(rt.createContainer(missing, { metadata: { name: 'n', attempt: 0 }, ...h.program({ run: 'exit' }) }, sbc), NotFoundError);
    },
  };

  for (const tname of contractTests) {
    test(`${name} contract: ${tname}`, async (t: TestContext) => {
      const h = await newHarness();
      try {
        const why = h.skip?.[tname];
        if (why) { t.skip(why); return; }
        await body[tname](h);
      } finally {
        await h.cleanup();
      }
    });
  }
}
