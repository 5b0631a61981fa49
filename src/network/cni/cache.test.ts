// The CNI result cache on disk: entries round-trip, and a cache directory removed while
// the agent runs (by an uninstall, say) is made again on the next put.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultCache, type CachedAttachment } from './cache.js';

const entry = (containerId: string): CachedAttachment => ({
  kind: 'cniCacheV1', containerId, ifName: 'eth0', networkName: 'k8ts', netns: '/run/netns/x', cniArgs: '', capabilityArgs: {},
  config: { cniVersion: '1.0.0', name: 'k8ts', plugins: [] }, podRef: 'default/p',
});

test('CNI result cache: put, get, list and delete; a removed directory is made again', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-cni-cache-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'results');
  const cache = new ResultCache(dir);
  await cache.put(entry('a'));
  assert.equal((await cache.get('k8ts', 'a', 'eth0'))?.podRef, 'default/p');
  rmSync(dir, { recursive: true });
  await cache.put(entry('b'));
  assert.deepEqual((await cache.list('k8ts')).map((e) => e.containerId), ['b']);
  await cache.delete('k8ts', 'b', 'eth0');
  assert.equal(await cache.get('k8ts', 'b', 'eth0'), undefined);
});
