import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, type ResourceType } from '../resources.js';
import { formatFieldError, validateStatusUpdate } from './index.js';

const rt = (group: string, kind: string): ResourceType => {
  const r = resourceTypes.find((x) => x.group === group && x.kind === kind);
  assert.ok(r);
  return r;
};
const meta = { name: 'x', namespace: 'd', uid: 'u' };
const check = (r: ResourceType, status: unknown, oldStatus: unknown = {}, spec: unknown = {}): string[] =>
  validateStatusUpdate(r, { metadata: meta, spec, status }, { metadata: meta, spec, status: oldStatus }).map(formatFieldError);

test('replica counters', () => {
  assert.deepEqual(check(rt('apps', 'Deployment'), { replicas: 2, readyReplicas: 2, availableReplicas: 1, updatedReplicas: 2 }), []);
  assert.deepEqual(check(rt('apps', 'ReplicaSet'), { replicas: 1, readyReplicas: 2, availableReplicas: -1 }), [
    'status.availableReplicas: Invalid value: -1: must be greater than or equal to 0',
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
});

test('pod status: IPs, finished containers, metadata identity', () => {
  const r = rt('', 'Pod');
  assert.deepEqual(check(r, { podIPs: [{ ip: '10.42.0.5' }, { ip: 'fd00::5' }] }), []);
  assert.deepEqual(check(r, { podIPs: [{ ip: '10.42.0.5' }, { ip: '10.42.0.6' }] }), ['status.podIPs: Invalid value: [{"ip":"10.42.0.5"},{"ip":"10.42.0.6"}]: may specify no more than one IP for each IP family']);
  const done = { containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 1 } } }] };
  const again = { containerStatuses: [{ name: 'c', state: { running: {} } }] };
  assert.deepEqual(check(r, again, done, { restartPolicy: 'Never' }), ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state']);
  assert.deepEqual(check(r, again, done, { restartPolicy: 'OnFailure' }), []);
  const renamed = validateStatusUpdate(r, { metadata: { ...meta, name: 'y' }, status: {} }, { metadata: meta, status: {} }).map(formatFieldError);
  assert.deepEqual(renamed, ['metadata.name: Invalid value: "y": field is immutable']);
});
