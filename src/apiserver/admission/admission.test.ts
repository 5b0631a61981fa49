import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry } from '../../api/resources.js';
import { ApiError } from '../errors.js';
import type { KObject } from '../kobject.js';
import type { AdmissionRequest } from '../registry/hooks.js';
import { defaultTolerationSeconds } from './default-tolerations.js';
import { limitRanger } from './limit-ranger.js';
import type { AdmissionLookup } from './lookup.js';
import { podPriority } from './pod-priority.js';
import { serviceAccountAdmission, tokenMountPath } from './service-account.js';

const pods = new ResourceRegistry().lookup('', 'v1', 'pods')!;

function fakeLookup(objects: Record<string, KObject[]>): AdmissionLookup {
  return {
    get: async (group, resource, _ns, name) => (objects[`${group}/${resource}`] ?? []).find((o) => o.metadata.name === name),
    list: async (group, resource) => objects[`${group}/${resource}`] ?? [],
  };
}

function podRequest(spec: Record<string, unknown>): AdmissionRequest & { object: KObject } {
  return { operation: 'CREATE', resource: pods, namespace: 'default', name: 'p', dryRun: false, object: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } } };
}

const spec = (req: { object: KObject }) => req.object.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('priority comes from the class, the global default, or is refused for an unknown class', async () => {
  const lookup = fakeLookup({ 'scheduling.k8s.io/priorityclasses': [
    { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' },
    { metadata: { name: 'usual' }, value: 10, globalDefault: true },
  ] });
  const named = podRequest({ priorityClassName: 'high', priority: 0 });
  await podPriority(lookup)(named);
  assert.equal(spec(named).priority, 1000);
  assert.equal(spec(named).preemptionPolicy, 'Never');
  const unnamed = podRequest({});
  await podPriority(lookup)(unnamed);
  assert.equal(spec(unnamed).priorityClassName, 'usual');
  assert.equal(spec(unnamed).priority, 10);
  const system = podRequest({ priorityClassName: 'system-node-critical' });
  await podPriority(lookup)(system);
  assert.equal(spec(system).priority, 2000001000);
  await assert.rejects(async () => podPriority(lookup)(podRequest({ priorityClassName: 'nope' })), (e: unknown) => e instanceof ApiError && e.code === 403 && /no PriorityClass with name nope/.test(e.message));
});

test('pods tolerate not-ready and unreachable nodes for the configured time', async () => {
  const req = podRequest({ tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] });
  await defaultTolerationSeconds(60, 300)(req);
  assert.deepEqual(spec(req).tolerations.map((t: { key: string; tolerationSeconds: number }) => [t.key, t.tolerationSeconds]), [
    ['node.kubernetes.io/unreachable', 5],
    ['node.kubernetes.io/not-ready', 60],
  ]);
});

test('the service account token volume is mounted in every container unless the pod opts out', async () => {
  const req = podRequest({ initContainers: [{ name: 'i', image: 'busybox' }] });
  await serviceAccountAdmission(fakeLookup({}))(req);
  assert.equal(spec(req).serviceAccountName, 'default');
  const vol = spec(req).volumes[0];
  assert.match(vol.name, /^kube-api-access-[a-z0-9]{5}$/);
  assert.equal(vol.projected.sources.length, 3);
  for (const c of [...spec(req).containers, ...spec(req).initContainers]) assert.equal(c.volumeMounts[0].mountPath, tokenMountPath);
  const optOut = podRequest({ automountServiceAccountToken: false });
  await serviceAccountAdmission(fakeLookup({}))(optOut);
  assert.equal(spec(optOut).volumes, undefined);
  const saOptOut = podRequest({ serviceAccountName: 'quiet' });
  await serviceAccountAdmission(fakeLookup({ '/serviceaccounts': [{ metadata: { name: 'quiet' }, automountServiceAccountToken: false }] }))(saOptOut);
  assert.equal(spec(saOptOut).volumes, undefined);
});

test('limit ranges default requests and limits and refuse what exceeds their max', async () => {
  const lookup = fakeLookup({ '/limitranges': [{ metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] } }] });
  const req = podRequest({});
  await limitRanger(lookup)(req);
  assert.deepEqual(spec(req).containers[0].resources, { limits: { cpu: '500m' }, requests: { cpu: '100m' } });
  const big = podRequest({ containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '2' }, requests: { cpu: '2' } } }] });
  await assert.rejects(async () => limitRanger(lookup)(big), (e: unknown) => e instanceof ApiError && e.code === 403 && /maximum cpu usage per Container is 1, but limit is 2/.test(e.message));
});
