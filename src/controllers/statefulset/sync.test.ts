import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { Cache } from '../../client/lister.js';
import { silentLogger } from '../../client/log.js';
import type { KObject } from '../../client/types.js';
import { byControllerUid, controllerUidIndex } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import type { ControllerRevision } from '../history/revision.js';
import { RecordingApi } from '../history/testing.js';
import type { StatefulSet } from './identity.js';
import { syncStatefulSet } from './sync.js';

const setPath = '/apis/apps/v1/namespaces/ns/statefulsets/web';

function setup(spec: StatefulSet['spec']) {
  const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));
  const api = new RecordingApi();
  const sets = new Cache<StatefulSet>();
  const pods = new Cache<Pod>({ [controllerUidIndex]: byControllerUid });
  const claims = new Cache<KObject>();
  const revisions = new Cache<ControllerRevision>({ [controllerUidIndex]: byControllerUid });
  const set: StatefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'ns', uid: 'sts-uid', generation: 1 }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }], ...spec } };
  api.objects.set(setPath, set);
  sets.set(set);
  return { api, claims, deps: { client: api.client, log: silentLogger, clock, sets, pods, claims, revisions } };
}

test('the first sync makes a revision, the claim, then web-0 only, and writes status', async () => {
  const t = setup({});
  await syncStatefulSet('ns/web', t.deps);
  const order = t.api.writes.filter((w) => w.startsWith('POST'));
  assert.deepEqual(order, ['POST /apis/apps/v1/namespaces/ns/controllerrevisions', 'POST /api/v1/namespaces/ns/persistentvolumeclaims', 'POST /api/v1/namespaces/ns/pods']);
  assert.ok(t.api.objects.has('/api/v1/namespaces/ns/pods/web-0'));
  assert.ok(t.api.objects.has('/api/v1/namespaces/ns/persistentvolumeclaims/data-web-0'));
  const st = (t.api.objects.get(setPath) as StatefulSet).status!;
  assert.equal(st.observedGeneration, 1);
  assert.match(st.updateRevision ?? '', /^web-[a-z2-9]+$/);
  assert.equal(st.currentRevision, st.updateRevision);
});

test('whenScaled: Delete removes claims of ordinals scaled away once their pod is gone', async () => {
  const t = setup({ replicas: 1, podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } });
  for (const n of ['data-web-0', 'data-web-1', 'data-web-10', 'other-web-1']) {
    const c = { metadata: { name: n, namespace: 'ns' } };
    t.claims.set(c);
    t.api.objects.set(`/api/v1/namespaces/ns/persistentvolumeclaims/${n}`, c);
  }
  await syncStatefulSet('ns/web', t.deps);
  assert.deepEqual(t.api.writes.filter((w) => w.startsWith('DELETE')).sort(), ['DELETE /api/v1/namespaces/ns/persistentvolumeclaims/data-web-1', 'DELETE /api/v1/namespaces/ns/persistentvolumeclaims/data-web-10']);
});
