import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.js';
import { Cache } from '../../client/lister.js';
import { silentLogger } from '../../client/log.js';
import { Expectations } from '../history/expectations.js';
import { byControllerUid, controllerUidIndex } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import type { ControllerRevision } from '../history/revision.js';
import { RecordingApi } from '../history/testing.js';
import type { Node } from './node-fit.js';
import { syncDaemonSet, type DaemonSet } from './sync.js';

test('a sync creates one pinned pod per node, labelled with the revision hash, and not twice before the cache catches up', async () => {
  const clock = new FakeClock();
  const api = new RecordingApi();
  const daemonSets = new Cache<DaemonSet>();
  const nodes = new Cache<Node>();
  const pods = new Cache<Pod>({ [controllerUidIndex]: byControllerUid });
  const revisions = new Cache<ControllerRevision>({ [controllerUidIndex]: byControllerUid });
  const ds: DaemonSet = { metadata: { name: 'agent', namespace: 'ns', uid: 'ds-uid', generation: 3 }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [] } } } };
  daemonSets.set(ds);
  api.objects.set('/apis/apps/v1/namespaces/ns/daemonsets/agent', ds);
  for (const n of ['n1', 'n2']) nodes.set({ metadata: { name: n } });
  const deps = { client: api.client, log: silentLogger, clock, daemonSets, nodes, pods, revisions, expectations: new Expectations(clock), failures: new Map() };
  await syncDaemonSet('ns/agent', deps);
  const created = [...api.objects.entries()].filter(([k]) => k.includes('/pods/')).map(([, v]) => v as Pod);
  assert.equal(created.length, 2);
  const rev = [...api.objects.values()].find((o) => o.kind === 'ControllerRevision')!;
  const pinned = created.map((p) => ((p.spec as { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: { matchFields: { values: string[] }[] }[] } } } }).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0])).sort();
  assert.deepEqual(pinned, ['n1', 'n2']);
  for (const p of created) {
    assert.equal(p.metadata.labels?.['controller-revision-hash'], rev.metadata.labels?.['controller-revision-hash']);
    assert.equal(p.metadata.labels?.['pod-template-generation'], '3');
  }
  const st = (api.objects.get('/apis/apps/v1/namespaces/ns/daemonsets/agent') as DaemonSet).status!;
  assert.equal(st.desiredNumberScheduled, 2);
  assert.equal(st.observedGeneration, 3);
  // The pods are not in the cache yet: expectations stop a second round of creates.
  revisions.set(rev as ControllerRevision);
  await syncDaemonSet('ns/agent', deps);
  assert.equal(api.count('POST', '/pods'), 2);
});
