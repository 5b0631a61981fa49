// The claim behind update in place: a container bind-mounts the volume directory, and
// the ..data swap shows through that bind mount at once, new names included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { readOnlyVolumeNames } from './read-only.js';
import { fixture, testPod } from './test-fixture.js';

test('an update shows through a bind mount of the volume directory', async (t) => {
  const f = await fixture(t);
  f.api.put('secrets', { metadata: { name: 's', namespace: 'default' }, data: { k: Buffer.from('one').toString('base64') } });
  const pod = testPod([{ name: 's', secret: { secretName: 's' } }]);
  const dir = (await f.manager.mountPodVolumes(pod)).get('s')!;
  // Stands in for the container's mount; under rootDir so the fixture unmounts it on failure.
  const inContainer = path.join(f.rootDir, 'container-view');
  await mkdir(inContainer);
  execFileSync('mount', ['--bind', dir, inContainer]);
  t.after(() => {
    try {
      execFileSync('umount', [inContainer]);
    } catch {
      /* the fixture's cleanup unmounts what is left */
    }
  });
  assert.equal(await readFile(path.join(inContainer, 'k'), 'utf8'), 'one');
  f.api.put('secrets', { metadata: { name: 's', namespace: 'default' }, data: { k: Buffer.from('two').toString('base64'), n: Buffer.from('new').toString('base64') } });
  await f.manager.refresh();
  assert.equal(await readFile(path.join(inContainer, 'k'), 'utf8'), 'two');
  assert.equal(await readFile(path.join(inContainer, 'n'), 'utf8'), 'new');
  assert.deepEqual((await readdir(inContainer)).filter((x) => !x.startsWith('..')).sort(), ['k', 'n']);
});

test('cleanupOrphans removes pods on disk that are not kept', async (t) => {
  const f = await fixture(t);
  const keep = testPod([{ name: 'm', emptyDir: { medium: 'Memory' } }]);
  const gone = testPod([{ name: 'm', emptyDir: { medium: 'Memory' } }]);
  await f.manager.mountPodVolumes(keep);
  await f.manager.mountPodVolumes(gone);
  const fresh = f.newManager();
  assert.deepEqual(await fresh.cleanupOrphans(new Set([keep.metadata.uid!])), [gone.metadata.uid]);
  assert.deepEqual(await fresh.podsOnDisk(), [keep.metadata.uid]);
});

test('API data volumes and read-only claims are read-only', () => {
  const pod = testPod([
    { name: 'a', configMap: { name: 'x' } },
    { name: 'b', emptyDir: {} },
    { name: 'c', projected: { sources: [] } },
    { name: 'd', persistentVolumeClaim: { claimName: 'x', readOnly: true } },
    { name: 'e', persistentVolumeClaim: { claimName: 'x' } },
  ]);
  assert.deepEqual([...readOnlyVolumeNames(pod)].sort(), ['a', 'c', 'd']);
});
