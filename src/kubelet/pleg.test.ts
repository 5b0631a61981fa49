import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { realClock, silentLogger } from '../client/index.js';
import { until } from '../client/testing/wait.js';
import { FakeRuntimeService } from '../runtime/fake/index.js';
import type { ContainerConfig, PodSandboxConfig } from '../runtime/cri.js';
import { ExitFileEvents, type ContainerEventSource } from './exit-events.js';
import { PodIndexedRuntime } from './indexed-runtime.js';
import { L_POD_UID } from './labels.js';
import { Pleg } from './pleg.js';
import { FakeNode } from './testing/fake-node.js';

const sandboxOf = (uid: string): PodSandboxConfig => ({ metadata: { name: `p-${uid}`, uid, namespace: 'default', attempt: 0 }, labels: { [L_POD_UID]: uid } });
const containerOf = (uid: string): ContainerConfig => ({ metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' }, labels: { [L_POD_UID]: uid } });

async function runningPod(rt: PodIndexedRuntime, uid: string): Promise<string> {
  const sb = await rt.runPodSandbox(sandboxOf(uid));
  const id = await rt.createContainer(sb, containerOf(uid), sandboxOf(uid));
  await rt.startContainer(id);
  return id;
}

/** A source of container events the test fires by hand. */
class ManualEvents implements ContainerEventSource {
  live = true;
  private fn: ((id: string) => void) | null = null;
  start(fn: (id: string) => void): void { this.fn = fn; }
  stop(): void { this.fn = null; }
  fire(id: string): void { this.fn?.(id); }
}

test('relist: only pods whose containers changed are reported, and a pod gone from the runtime', async () => {
  const fake = new FakeRuntimeService();
  const rt = new PodIndexedRuntime(fake);
  const a = await runningPod(rt, 'a');
  await runningPod(rt, 'b');
  const changed: string[] = [];
  const pleg = new Pleg({ source: rt, onChange: (uid) => changed.push(uid), clock: realClock, log: silentLogger, periodMs: 3_600_000 });
  assert.deepEqual((await pleg.relist(false)).sort(), ['a', 'b'], 'the first relist sees every pod as new');
  assert.deepEqual(await pleg.relist(), [], 'nothing changed');
  fake.exitContainer(a, 1);
  assert.deepEqual(await pleg.relist(), ['a']);
  assert.deepEqual(changed, ['a']);
  assert.deepEqual(await pleg.relist(), [], 'an exit is news once');
  for (const s of await fake.listPodSandbox({ labelSelector: { [L_POD_UID]: 'b' } })) await fake.removePodSandbox(s.id);
  assert.deepEqual(await pleg.relist(), ['b'], 'removed behind the kubelet');
});

test('container events wake the container\'s pod at once; the relist runs at its slower evented period', async (t) => {
  const fake = new FakeRuntimeService();
  const rt = new PodIndexedRuntime(fake);
  const a = await runningPod(rt, 'a');
  const events = new ManualEvents();
  const changed: string[] = [];
  let relists = 0;
  const source = { podStates: () => { relists++; return rt.podStates(); }, podOfContainer: (id: string) => rt.podOfContainer(id) };
  const pleg = new Pleg({ source, events, onChange: (uid) => changed.push(uid), clock: realClock, log: silentLogger, periodMs: 10, eventedPeriodMs: 3_600_000 });
  pleg.start();
  t.after(() => pleg.stop());
  await until(() => relists === 1, 'first relist', 2000, 5);
  events.fire(a);
  events.fire('unknown-container');
  assert.deepEqual(changed, ['a']);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(relists, 1, 'no 10 ms relists while events are live');
  events.live = false;
  await until(() => relists >= 4, 'fast relists once events are not live', 2000, 5);
});

test('exit files: a file appearing (through a temporary name) reports its container; files there before do not', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-exits-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'old'), '0');
  const seen: string[] = [];
  const ev = new ExitFileEvents({ dir, clock: realClock, log: silentLogger, pollMs: 50 });
  ev.start((id) => seen.push(id));
  t.after(() => ev.stop());
  assert.equal(ev.live, true);
  await new Promise((r) => setTimeout(r, 100));
  await writeFile(path.join(dir, 'abc123.XYZ9'), '137');
  await rename(path.join(dir, 'abc123.XYZ9'), path.join(dir, 'abc123'));
  await until(() => seen.includes('abc123'), 'abc123 reported', 2000, 5);
  assert.ok(!seen.includes('old'), seen.join(','));
  assert.ok(seen.every((id) => id === 'abc123'), seen.join(','));
  assert.deepEqual((await readdir(dir)).sort(), ['abc123', 'old']);
});

test('exit files found by the poll alone (no watch event): still reported', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'k8ts-exits-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const seen: string[] = [];
  const ev = new ExitFileEvents({ dir, clock: realClock, log: silentLogger, pollMs: 20 });
  // Stands in for a watch that missed the file: the directory is only polled.
  ev.start((id) => seen.push(id));
  t.after(() => ev.stop());
  await new Promise((r) => setTimeout(r, 50));
  (ev as unknown as { watcher: { close(): void } | null }).watcher?.close();
  await writeFile(path.join(dir, 'def456'), '1');
  await until(() => seen.includes('def456'), 'def456 reported by the poll', 2000, 5);
});

test('kubelet: a settled pod is not synced again without news; a container exit restarts it at once through the relist', async (t) => {
  const n = new FakeNode({ kubelet: { resyncMs: 3_600_000, relistMs: 30, containerEvents: null } });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', command: ['sleep'] }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running' && !!s.containerStatuses?.[0]?.state.running);
  await new Promise((r) => setTimeout(r, 200));
  const patches = () => n.api.requests.filter((r) => r.startsWith('PATCH')).length;
  const before = patches();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(patches(), before, 'no status writes while nothing happens');
  const [c] = await n.runtime.listContainers({ labelSelector: { [L_POD_UID]: n.pod()!.metadata.uid! } });
  const t0 = Date.now();
  n.runtime.exitContainer(c!.id, 1);
  await n.waitFor('restarted', (s) => s.containerStatuses?.[0]?.restartCount === 1 && !!s.containerStatuses[0].state.running);
  assert.ok(Date.now() - t0 < 1000, `restarted after ${Date.now() - t0} ms`);
});

test('kubelet: with container events and a slow relist, an exit still restarts the container at once', async (t) => {
  const events = new ManualEvents();
  const n = new FakeNode({ kubelet: { resyncMs: 3_600_000, relistMs: 3_600_000, eventedRelistMs: 3_600_000, containerEvents: events } });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', command: ['sleep'] }] } });
  await n.waitFor('Running', (s) => s.phase === 'Running' && !!s.containerStatuses?.[0]?.state.running);
  const [c] = await n.runtime.listContainers({ labelSelector: { [L_POD_UID]: n.pod()!.metadata.uid! } });
  n.runtime.exitContainer(c!.id, 3);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(n.status().containerStatuses?.[0]?.restartCount, 0, 'without news nothing looks');
  events.fire(c!.id);
  await n.waitFor('restarted on the event', (s) => s.containerStatuses?.[0]?.restartCount === 1, 'p', 2000);
});

test('kubelet: a pod in crash-loop back-off is retried at the busy period, not the resync period', async (t) => {
  const n = new FakeNode({ kubelet: { resyncMs: 3_600_000, busyResyncMs: 50, relistMs: 3_600_000, containerEvents: null } });
  t.after(() => n.stop());
  await n.start();
  n.addPod({ spec: { containers: [{ name: 'c', image: 'busybox:1', command: ['exit', '2'] }] } });
  await n.waitFor('restarted twice', (s) => (s.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 'p', 5000);
});
