import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../history/pods.js';
import { newClaims, newStatefulPod, ordinalOf, type StatefulSet, type StatefulSetSpec } from './identity.js';
import { planStatefulSet, type Action } from './plan.js';
import { computeStatus } from './status.js';

const now = Date.parse('2026-03-01T10:00:00Z');

function pod(ord: number, rev: string, state: 'ready' | 'pending' | 'failed' | 'deleting' = 'ready'): Pod {
  return {
    metadata: { name: `web-${ord}`, labels: { 'controller-revision-hash': rev }, ...(state === 'deleting' ? { deletionTimestamp: '2026-03-01T09:59:00Z' } : {}) },
    spec: { nodeName: 'n' },
    status: { phase: state === 'failed' ? 'Failed' : state === 'pending' ? 'Pending' : 'Running', conditions: [{ type: 'Ready', status: state === 'ready' || state === 'deleting' ? 'True' : 'False', lastTransitionTime: '2026-03-01T09:00:00Z' }] },
  };
}

const plan = (spec: StatefulSetSpec, pods: Pod[], update = 'r1', current = 'r1') =>
  planStatefulSet({ spec, pods: new Map(pods.map((p) => [ordinalOf('web', p.metadata.name!)!, p])), currentRevision: current, updateRevision: update, now });
const show = (as: Action[]) => as.map((a) => (a.kind === 'create' ? `create ${a.ordinal} ${a.revision}` : `delete ${a.pod.metadata.name}`));

test('OrderedReady creates one ordinal at a time, each after the one before is ready', () => {
  assert.deepEqual(show(plan({ replicas: 3 }, [])), ['create 0 update']);
  assert.deepEqual(show(plan({ replicas: 3 }, [pod(0, 'r1', 'pending')])), []);
  assert.deepEqual(show(plan({ replicas: 3 }, [pod(0, 'r1')])), ['create 1 update']);
  assert.deepEqual(show(plan({ replicas: 3 }, [pod(0, 'r1'), pod(1, 'r1')])), ['create 2 update']);
  // A failed pod is replaced before anything above it.
  assert.deepEqual(show(plan({ replicas: 3 }, [pod(0, 'r1', 'failed'), pod(1, 'r1')])), ['delete web-0']);
});

test('Parallel creates every missing ordinal at once', () => {
  assert.deepEqual(show(plan({ replicas: 3, podManagementPolicy: 'Parallel' }, [pod(1, 'r1', 'pending')])), ['create 0 update', 'create 2 update']);
});

test('scale down removes the highest ordinal first, one at a time, waiting for each to go', () => {
  const pods = [pod(0, 'r1'), pod(1, 'r1'), pod(2, 'r1')];
  assert.deepEqual(show(plan({ replicas: 1 }, pods)), ['delete web-2']);
  assert.deepEqual(show(plan({ replicas: 1 }, [pod(0, 'r1'), pod(1, 'r1'), pod(2, 'r1', 'deleting')])), []);
  assert.deepEqual(show(plan({ replicas: 1 }, [pod(0, 'r1'), pod(1, 'r1')])), ['delete web-1']);
  // Not while a remaining replica is unhealthy.
  assert.deepEqual(show(plan({ replicas: 1 }, [pod(0, 'r1', 'pending'), pod(1, 'r1')])), []);
  assert.deepEqual(show(plan({ replicas: 1, podManagementPolicy: 'Parallel' }, pods)), ['delete web-2', 'delete web-1']);
});

test('rolling update goes from the highest ordinal down to the partition', () => {
  const pods = [pod(0, 'r1'), pod(1, 'r1'), pod(2, 'r1')];
  assert.deepEqual(show(plan({ replicas: 3 }, pods, 'r2')), ['delete web-2']);
  assert.deepEqual(show(plan({ replicas: 3 }, [pod(0, 'r1'), pod(1, 'r1'), pod(2, 'r2', 'pending')], 'r2')), [], 'waits for the updated pod');
  assert.deepEqual(show(plan({ replicas: 3 }, [pod(0, 'r1'), pod(1, 'r1'), pod(2, 'r2')], 'r2')), ['delete web-1']);
  const partitioned: StatefulSetSpec = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
  assert.deepEqual(show(plan(partitioned, [pod(0, 'r1'), pod(1, 'r1'), pod(2, 'r2')], 'r2')), [], 'ordinals below the partition keep their revision');
  assert.deepEqual(show(plan(partitioned, [pod(1, 'r1'), pod(2, 'r2')], 'r2')), ['create 0 current']);
  assert.deepEqual(show(plan({ replicas: 3, updateStrategy: { type: 'OnDelete' } }, pods, 'r2')), []);
});

test('identity: name, labels, hostname, subdomain and claims per ordinal', () => {
  const set: StatefulSet = { metadata: { name: 'web', namespace: 'ns', uid: 'u' }, spec: { serviceName: 'svc', selector: { matchLabels: { app: 'web' } }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] } };
  const p = newStatefulPod(set, { metadata: { labels: { app: 'web' } }, spec: { containers: [] } }, 'web-abc', 2);
  assert.equal(p.metadata.name, 'web-2');
  assert.deepEqual(p.metadata.labels, { app: 'web', 'controller-revision-hash': 'web-abc', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2' });
  assert.equal(p.spec?.hostname, 'web-2');
  assert.equal(p.spec?.subdomain, 'svc');
  assert.deepEqual(p.spec?.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-2' } }]);
  const [claim] = newClaims(set, 2);
  assert.equal(claim.metadata.name, 'data-web-2');
  assert.deepEqual(claim.metadata.labels, { app: 'web' });
  assert.equal((claim.metadata.ownerReferences?.[0] as { kind: string }).kind, 'StatefulSet');
  assert.equal(ordinalOf('web', 'web-01'), undefined);
  assert.equal(ordinalOf('web', 'web-x-1'), undefined);
});

test('status: the current revision catches up once every replica is updated and ready', () => {
  const set: StatefulSet = { metadata: { name: 'web', generation: 4 }, spec: { replicas: 2 } };
  const mid = computeStatus(set, [pod(0, 'r1'), pod(1, 'r2')], 'r1', 'r2', 0, now);
  assert.deepEqual([mid.currentRevision, mid.currentReplicas, mid.updatedReplicas, mid.readyReplicas, mid.observedGeneration], ['r1', 1, 1, 2, 4]);
  const done = computeStatus(set, [pod(0, 'r2'), pod(1, 'r2')], 'r1', 'r2', 0, now);
  assert.deepEqual([done.currentRevision, done.currentReplicas, done.updatedReplicas], ['r2', 2, 2]);
});
