import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeRuntimeService } from '../runtime/fake/index.js';
import type { ContainerConfig, PodSandboxConfig, RuntimeService } from '../runtime/cri.js';
import { PodIndexedRuntime } from './indexed-runtime.js';
import { L_POD_UID } from './labels.js';

const sandboxOf = (uid: string): PodSandboxConfig => ({ metadata: { name: `p-${uid}`, uid, namespace: 'default', attempt: 0 }, labels: { [L_POD_UID]: uid } });
const containerOf = (uid: string, name: string): ContainerConfig => ({ metadata: { name, attempt: 0 }, image: { image: 'busybox' }, labels: { [L_POD_UID]: uid } });
const byUid = (uid: string) => ({ labelSelector: { [L_POD_UID]: uid } });

/** Counts the runtime's full listings, the cost the index exists to avoid. */
function counting(rt: RuntimeService): { rt: RuntimeService; full: () => number } {
  let full = 0;
  const wrapped = Object.create(rt) as RuntimeService;
  wrapped.listPodSandbox = (f) => { full++; return rt.listPodSandbox(f); };
  wrapped.listContainers = (f) => { full++; return rt.listContainers(f); };
  return { rt: wrapped, full: () => full };
}

test('per-pod listings come from the index, with one full listing for ids made elsewhere', async () => {
  const fake = new FakeRuntimeService();
  // Made before the index existed (an earlier kubelet): found by the first full listing.
  const oldSb = await fake.runPodSandbox(sandboxOf('a'));
  const oldC = await fake.createContainer(oldSb, containerOf('a', 'app'), sandboxOf('a'));
  const c = counting(fake);
  let now = 0;
  const rt = new PodIndexedRuntime(c.rt, { now: () => now, relistMs: 1000 });
  assert.deepEqual((await rt.listPodSandbox(byUid('a'))).map((s) => s.id), [oldSb]);
  assert.deepEqual((await rt.listContainers(byUid('a'))).map((x) => x.id), [oldC]);
  assert.equal(c.full(), 2, 'one listing of sandboxes and one of containers');

  const sb = await rt.runPodSandbox(sandboxOf('b'));
  const cb = await rt.createContainer(sb, containerOf('b', 'app'), sandboxOf('b'));
  await rt.startContainer(cb);
  const listed = await rt.listContainers(byUid('b'));
  assert.deepEqual(listed.map((x) => [x.id, x.state, x.podSandboxId]), [[cb, 'CONTAINER_RUNNING', sb]]);
  assert.deepEqual((await rt.listPodSandbox(byUid('b'))).map((s) => s.id), [sb]);
  assert.equal(c.full(), 2, 'creations through the index need no listing');
  const st = await rt.podState('b');
  assert.deepEqual([st.sandboxes.map((s) => s.id), st.containers.map((x) => [x.id, x.state])], [[sb], [[cb, 'CONTAINER_RUNNING']]]);

  // Other filters still apply, and ids the runtime removed drop out.
  assert.deepEqual(await rt.listContainers({ ...byUid('b'), state: 'CONTAINER_EXITED' }), []);
  await rt.removePodSandbox(sb);
  assert.deepEqual(await rt.listContainers(byUid('b')), []);
  assert.deepEqual(await rt.listPodSandbox(byUid('b')), []);

  // Something another process made shows up after relistMs.
  const outside = await fake.runPodSandbox(sandboxOf('c'));
  assert.deepEqual(await rt.listPodSandbox(byUid('c')), []);
  now = 1000;
  assert.deepEqual((await rt.listPodSandbox(byUid('c'))).map((s) => s.id), [outside]);
  assert.equal(c.full(), 4);
  // Listings without a pod uid go to the runtime as they are.
  assert.equal((await rt.listPodSandbox()).length, 2);
});

test('a creation racing the full listing is kept', async () => {
  const fake = new FakeRuntimeService();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  const slow = Object.create(fake) as RuntimeService;
  slow.listPodSandbox = async (f) => { const out = await fake.listPodSandbox(f); await gate; return out; };
  const rt = new PodIndexedRuntime(slow);
  const first = rt.listPodSandbox(byUid('x'));
  const id = await rt.runPodSandbox(sandboxOf('x'));
  release();
  await first;
  assert.deepEqual((await rt.listPodSandbox(byUid('x'))).map((s) => s.id), [id]);
});
