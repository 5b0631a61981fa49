import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CgroupV1PodCgroups, removeCgroupHierarchy } from './pod-cgroups.js';

test('remove takes the pod cgroup out of every hierarchy, also those the OCI runtime made (hugetlb, systemd, unified)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-podcg-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const uid = '0d5e1b52-3c4a-4e5b-9a55-b2b0f2f7a111';
  const dirs = ['memory', 'cpu', 'hugetlb', 'systemd', 'unified'].map((h) => join(root, h, 'kubepods', 'besteffort', `pod${uid}`));
  for (const d of dirs) mkdirSync(join(d, 'c0ffee'), { recursive: true });
  await new CgroupV1PodCgroups(root).remove(uid, 'BestEffort');
  for (const d of dirs) assert.equal(existsSync(d), false, `${d} is gone`);
  assert.ok(existsSync(join(root, 'hugetlb', 'kubepods', 'besteffort')), 'the QoS level stays');
  await removeCgroupHierarchy('/kubepods', root);
  assert.equal(existsSync(join(root, 'systemd', 'kubepods')), false);
});
