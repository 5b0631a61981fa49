// hostUsers: false through the kubelet (fake runtime): the sandbox asks for a user
// namespace with the pod's own range, other pods get other ranges, and a removed pod's
// range goes back to the pool.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { until } from '../client/testing/wait.js';
import type { PodSandboxConfig } from '../runtime/cri.js';
import { FakeNode } from './testing/fake-node.js';

test('kubelet: hostUsers false gives each pod its own 65536-id user namespace; removal frees it', async (t) => {
  const n = new FakeNode();
  t.after(() => n.stop());
  const seen = new Map<string, PodSandboxConfig>();
  const run = n.runtime.runPodSandbox.bind(n.runtime);
  n.runtime.runPodSandbox = async (c: PodSandboxConfig) => { seen.set(c.metadata.name, c); return run(c); };
  await n.start();
  const spec = (hostUsers?: boolean) => ({ ...(hostUsers === undefined ? {} : { hostUsers }), containers: [{ name: 'c', image: 'busybox:1', command: ['sleep'] }] });
  const a = n.addPod({ spec: spec(false) }, 'a');
  n.addPod({ spec: spec(false) }, 'b');
  n.addPod({ spec: spec() }, 'plain');
  n.addPod({ spec: spec(true) }, 'host');
  for (const name of ['a', 'b', 'plain', 'host']) await n.waitFor('Running', (s) => s.phase === 'Running', name);

  const range = (name: string) => seen.get(name)?.linux?.userNamespace;
  const ra = range('a'), rb = range('b');
  assert.ok(ra && rb);
  assert.deepEqual(ra.uids, ra.gids);
  assert.equal(ra.uids.length, 1);
  assert.equal(ra.uids[0]!.containerId, 0);
  assert.equal(ra.uids[0]!.length, 65536);
  const ha = ra.uids[0]!.hostId, hb = rb.uids[0]!.hostId;
  assert.ok(ha >= 65536 && ha % 65536 === 0 && hb % 65536 === 0 && ha !== hb, `${ha} / ${hb}`);
  assert.equal(range('plain'), undefined);
  assert.equal(range('host'), undefined);
  // The status does not show it.
  assert.ok(!JSON.stringify(n.status('a')).includes(String(ha)));
  assert.ok(existsSync(path.join(n.rootDir, 'pods', a.metadata.uid!, 'userns')));

  // Pod a goes: its directory and range with it; the next such pod gets that range.
  n.api.remove('pods', 'default', 'a');
  await until(() => !existsSync(path.join(n.rootDir, 'pods', a.metadata.uid!)), 'pod a cleaned up', 10_000, 10);
  n.addPod({ spec: spec(false) }, 'c');
  await n.waitFor('Running', (s) => s.phase === 'Running', 'c');
  assert.equal(range('c')?.uids[0]?.hostId, ha);
});
