import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { USERNS_LENGTH, UserNamespaceRanges, UserNamespaceRangesExhaustedError } from './userns-ranges.js';

function tempPods(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'k8ts-userns-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'pods');
}

const hostId = (r: UserNamespaceRanges, uid: string) => r.allocate(uid).uids[0]!.hostId;

test('userns ranges: 65536 ids per pod from 65536 upward, aligned, never overlapping, the same for uids and gids', (t) => {
  const r = new UserNamespaceRanges(tempPods(t));
  const a = r.allocate('pod-a');
  assert.deepEqual(a.uids, [{ containerId: 0, hostId: 65536, length: USERNS_LENGTH }]);
  assert.deepEqual(a.gids, a.uids);
  const ids = ['pod-b', 'pod-c', 'pod-d'].map((u) => hostId(r, u));
  assert.deepEqual(ids, [2 * 65536, 3 * 65536, 4 * 65536]);
  // Asking again gives a pod the range it has.
  assert.equal(hostId(r, 'pod-c'), 3 * 65536);
  const all = [65536, ...ids];
  assert.equal(new Set(all).size, all.length);
  for (const h of all) assert.equal(h % USERNS_LENGTH, 0);
});

test('userns ranges: persisted in the pod directory, found again by a new allocator (kubelet restart)', (t) => {
  const pods = tempPods(t);
  const first = new UserNamespaceRanges(pods);
  hostId(first, 'pod-a');
  const b = hostId(first, 'pod-b');
  const file = JSON.parse(readFileSync(path.join(pods, 'pod-b', 'userns'), 'utf8')) as { uidMappings: { hostId: number }[] };
  assert.equal(file.uidMappings[0]!.hostId, b);

  const restarted = new UserNamespaceRanges(pods);
  assert.equal(restarted.get('pod-b')?.uids[0]?.hostId, b);
  assert.equal(hostId(restarted, 'pod-b'), b);
  // A new pod does not get a range a surviving pod holds.
  assert.equal(hostId(restarted, 'pod-c'), 3 * 65536);
});

test('userns ranges: freed when the pod goes (release, or its directory removed by cleanup), then reused', (t) => {
  const pods = tempPods(t);
  const r = new UserNamespaceRanges(pods);
  hostId(r, 'pod-a');
  const b = hostId(r, 'pod-b');
  hostId(r, 'pod-c');
  r.release('pod-b');
  assert.equal(r.get('pod-b'), undefined);
  assert.equal(hostId(r, 'pod-d'), b, 'the lowest free range is reused');
  // cleanupPod removes <rootDir>/pods/<uid>: the range is free at the next allocation.
  rmSync(path.join(pods, 'pod-a'), { recursive: true });
  assert.equal(hostId(r, 'pod-e'), 65536);
  assert.equal(r.get('pod-a'), undefined);
});

test('userns ranges: unreadable or foreign files are skipped, exhaustion is a named error, bad uids refused', (t) => {
  const pods = tempPods(t);
  mkdirSync(path.join(pods, 'broken'), { recursive: true });
  writeFileSync(path.join(pods, 'broken', 'userns'), '{not json');
  mkdirSync(path.join(pods, 'odd'), { recursive: true });
  writeFileSync(path.join(pods, 'odd', 'userns'), JSON.stringify({ uidMappings: [{ containerId: 0, hostId: 1000, length: 65536 }], gidMappings: [] }));
  const r = new UserNamespaceRanges(pods, { maxRanges: 2 });
  assert.equal(r.get('broken'), undefined);
  assert.equal(r.get('odd'), undefined);
  hostId(r, 'p1');
  hostId(r, 'p2');
  assert.throws(() => r.allocate('p3'), UserNamespaceRangesExhaustedError);
  assert.throws(() => r.allocate('../x'), TypeError);
  assert.throws(() => r.allocate(''), TypeError);
});
