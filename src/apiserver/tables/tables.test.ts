import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, type ResourceType } from '../../api/resources.js';
import { buildTable, tableColumns, tableRow } from './index.js';

const now = new Date('2026-01-01T12:00:00Z');
const created = '2026-01-01T11:55:00Z';
const rt = (group: string, kind: string, version?: string): ResourceType => {
  const r = resourceTypes.find((x) => x.group === group && x.kind === kind && (!version || x.version === version));
  assert.ok(r, kind);
  return r;
};
const names = (r: ResourceType, wide = false): string[] => tableColumns(r).filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
const meta = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, namespace: 'default', creationTimestamp: created, ...extra });

test('every kind has columns whose first name column has format name', () => {
  for (const r of resourceTypes) {
    const cols = tableColumns(r);
    assert.ok(cols.length >= 2, r.kind);
    const nameCol = cols.find((c) => c.name === 'Name');
    assert.ok(nameCol && nameCol.format === 'name', r.kind);
    const row = tableRow(r, { metadata: meta('x') }, now);
    assert.equal(row.length, cols.length, `${r.group}/${r.version}/${r.kind} cells`);
  }
});

test('pod columns and a wide row', () => {
  const r = rt('', 'Pod');
  assert.deepEqual(names(r), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  assert.deepEqual(names(r, true).slice(5), ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  const pod = {
    metadata: meta('web-0'),
    spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
    status: { phase: 'Running', podIPs: [{ ip: '10.42.0.7' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] },
  };
  assert.deepEqual(tableRow(r, pod, now), ['web-0', '1/1', 'Running', '0', '5m', '10.42.0.7', 'n1', '<none>', '<none>']);
});

test('services', () => {
  const r = rt('', 'Service');
  assert.deepEqual(names(r, true), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
  const svc = { metadata: meta('web'), spec: { type: 'NodePort', clusterIP: '10.43.0.20', clusterIPs: ['10.43.0.20'], selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } };
  assert.deepEqual(tableRow(r, svc, now), ['web', 'NodePort', '10.43.0.20', '<none>', '80:30080/TCP,53/UDP', '5m', 'app=web,tier=fe']);
  const lb = { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.43.0.21'], ports: [{ port: 443, protocol: 'TCP' }] }, status: {} };
  assert.deepEqual(tableRow(r, lb, now).slice(1, 4), ['LoadBalancer', '10.43.0.21', '<pending>']);
  const headless = { metadata: meta('h'), spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] } };
  assert.deepEqual(tableRow(r, headless, now).slice(2, 5), ['None', '<none>', '<none>']);
});

test('deployments, replica sets, stateful sets, daemon sets', () => {
  const tpl = { spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'busybox' }] } };
  const dep = { metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: tpl }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
  const d = rt('apps', 'Deployment');
  assert.deepEqual(names(d, true), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
  assert.deepEqual(tableRow(d, dep, now), ['web', '2/3', 3, 2, '5m', 'a,b', 'nginx:1,busybox', 'app=web']);
  const rs = rt('apps', 'ReplicaSet');
  assert.deepEqual(names(rs), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  assert.deepEqual(tableRow(rs, { ...dep, status: { replicas: 3, readyReplicas: 1 } }, now), ['web', 3, 3, 1, '5m', 'a,b', 'nginx:1,busybox', 'app=web']);
  assert.deepEqual(tableRow(rt('apps', 'StatefulSet'), { ...dep, status: { readyReplicas: 1 } }, now), ['web', '1/3', '5m', 'a,b', 'nginx:1,busybox']);
  const ds = rt('apps', 'DaemonSet');
  assert.deepEqual(names(ds), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
  const daemon = { metadata: meta('agent'), spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['b', 'a'] }] }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [] } } }, status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } };
  assert.deepEqual(tableRow(ds, daemon, now), ['agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '5m', '', '', 'app in (a,b)']);
});

test('jobs and cron jobs', () => {
  const r = rt('batch', 'Job');
  assert.deepEqual(names(r), ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
  const job = {
    metadata: meta('pi'), spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } },
    status: { succeeded: 1, startTime: '2026-01-01T11:55:00Z', completionTime: '2026-01-01T11:55:42Z', conditions: [{ type: 'Complete', status: 'True' }] },
  };
  assert.deepEqual(tableRow(r, job, now), ['pi', 'Complete', '1/1', '42s', '5m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=u']);
  const running = { metadata: meta('w'), spec: { parallelism: 3 }, status: { startTime: '2026-01-01T11:58:00Z' } };
  assert.deepEqual(tableRow(r, running, now).slice(1, 4), ['Running', '0/1 of 3', '2m']);
  const cj = rt('batch', 'CronJob');
  assert.deepEqual(names(cj), ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
  const cron = { metadata: meta('tick'), spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } }, status: { active: [{ name: 'x' }], lastScheduleTime: '2026-01-01T11:59:00Z' } };
  assert.deepEqual(tableRow(cj, cron, now), ['tick', '*/5 * * * *', '<none>', 'False', 1, '60s', '5m', 'c', 'busybox', '<none>']);
});

test('nodes', () => {
  const r = rt('', 'Node');
  assert.deepEqual(names(r, true), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
  const node = {
    metadata: { name: 'n1', creationTimestamp: created, labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' } },
    spec: { unschedulable: true },
    status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '192.168.1.5' }], nodeInfo: { kubeletVersion: 'v1.31.0-k8ts', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'k8ts://0.1.0' } },
  };
  assert.deepEqual(tableRow(r, node, now), ['n1', 'Ready,SchedulingDisabled', 'control-plane,master', '5m', 'v1.31.0-k8ts', '192.168.1.5', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'k8ts://0.1.0']);
  assert.deepEqual(tableRow(r, { metadata: { name: 'n2' } }, now).slice(0, 4), ['n2', 'Unknown', '<none>', '<unknown>']);
});

test('namespaces, config maps, secrets, service accounts', () => {
  assert.deepEqual(tableRow(rt('', 'Namespace'), { metadata: meta('kube-system'), status: { phase: 'Active' } }, now), ['kube-system', 'Active', '5m']);
  assert.deepEqual(tableRow(rt('', 'ConfigMap'), { metadata: meta('cm'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, now), ['cm', 3, '5m']);
  assert.deepEqual(names(rt('', 'Secret')), ['NAME', 'TYPE', 'DATA', 'AGE']);
  assert.deepEqual(tableRow(rt('', 'Secret'), { metadata: meta('s'), type: 'Opaque', data: { a: 'eA==' } }, now), ['s', 'Opaque', 1, '5m']);
  assert.deepEqual(tableRow(rt('', 'ServiceAccount'), { metadata: meta('default') }, now), ['default', 0, '5m']);
});

test('events, core and events.k8s.io', () => {
  const r = rt('', 'Event');
  assert.deepEqual(names(r), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  const ev = {
    metadata: meta('web.1'), type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web to n1 ',
    involvedObject: { kind: 'Pod', name: 'web' }, source: { component: 'default-scheduler' },
    firstTimestamp: '2026-01-01T11:58:00Z', lastTimestamp: '2026-01-01T11:59:30Z', count: 2,
  };
  assert.deepEqual(tableRow(r, ev, now), ['30s', 'Normal', 'Scheduled', 'pod/web', '', 'default-scheduler', 'Successfully assigned default/web to n1', '2m', 2, 'web.1']);
  const nev = { metadata: meta('x'), type: 'Warning', reason: 'BackOff', note: 'Back-off', regarding: { kind: 'Pod', name: 'p' }, eventTime: '2026-01-01T11:59:50.000000Z', reportingController: 'kubelet', reportingInstance: 'n1' };
  assert.deepEqual(tableRow(rt('events.k8s.io', 'Event'), nev, now), ['10s', 'Warning', 'BackOff', 'pod/p', '', 'kubelet, n1', 'Back-off', '10s', 1, 'x']);
  assert.deepEqual(tableRow(rt('events.k8s.io', 'Event'), ev, now).slice(0, 4), ['30s', 'Normal', 'Scheduled', 'pod/web']);
  // core/v1 names the reporting controller reportingComponent.
  const cev = { metadata: meta('y'), type: 'Normal', reason: 'Started', message: 'ok', involvedObject: { kind: 'Pod', name: 'p' }, eventTime: '2026-01-01T11:59:50.000000Z', reportingComponent: 'kubelet', reportingInstance: 'n1' };
  assert.deepEqual(tableRow(r, cev, now).slice(5, 6), ['kubelet, n1']);
});

test('endpoints and endpoint slices', () => {
  const ep = { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.42.0.1' }, { ip: '10.42.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] };
  assert.deepEqual(tableRow(rt('', 'Endpoints'), ep, now), ['web', '10.42.0.1:80,10.42.0.2:80,10.42.0.1:443 + 1 more...', '5m']);
  assert.deepEqual(tableRow(rt('', 'Endpoints'), { metadata: meta('none') }, now)[1], '<none>');
  const es = { metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ port: 80, name: 'http' }], endpoints: [{ addresses: ['10.42.0.1'] }] };
  assert.deepEqual(tableRow(rt('discovery.k8s.io', 'EndpointSlice'), es, now), ['web-abc', 'IPv4', '80', '10.42.0.1', '5m']);
  assert.deepEqual(tableRow(rt('discovery.k8s.io', 'EndpointSlice'), { metadata: meta('e') }, now).slice(2, 4), ['<unset>', '<unset>']);
});

test('storage', () => {
  const pvc = { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', volumeName: 'pv1', volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'] } };
  const r = rt('', 'PersistentVolumeClaim');
  assert.deepEqual(names(r), ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
  assert.deepEqual(tableRow(r, pvc, now), ['data', 'Bound', 'pv1', '1Gi', 'RWO', 'local', '<unset>', '5m', 'Filesystem']);
  const pv = { metadata: { name: 'pv1', creationTimestamp: created }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local' }, status: { phase: 'Bound' } };
  assert.deepEqual(tableRow(rt('', 'PersistentVolume'), pv, now), ['pv1', '1Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'local', '<unset>', '', '5m', '<unset>']);
  const sc = { metadata: { name: 'local', creationTimestamp: created, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'k8ts.io/local-path' };
  assert.deepEqual(tableRow(rt('storage.k8s.io', 'StorageClass'), sc, now), ['local (default)', 'k8ts.io/local-path', 'Delete', 'Immediate', false, '5m']);
});

test('hpa, pdb, priority class, lease, ingress, rbac, quota, revisions, defaults', () => {
  const hpa = { metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] }, status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }] } };
  assert.deepEqual(tableRow(rt('autoscaling', 'HorizontalPodAutoscaler', 'v2'), hpa, now), ['web', 'Deployment/web', 'cpu: 35%/80%', '1', 5, 2, '5m']);
  const hpa1 = { metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } };
  assert.deepEqual(tableRow(rt('autoscaling', 'HorizontalPodAutoscaler', 'v1'), hpa1, now).slice(2, 4), ['cpu: <unknown>/50%', '<unset>']);
  assert.deepEqual(tableRow(rt('policy', 'PodDisruptionBudget'), { metadata: meta('p'), spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }, now), ['p', '50%', 'N/A', 1, '5m']);
  assert.deepEqual(tableRow(rt('scheduling.k8s.io', 'PriorityClass'), { metadata: { name: 'high', creationTimestamp: created }, value: 1000, preemptionPolicy: 'PreemptLowerPriority' }, now), ['high', 1000, false, '5m', 'PreemptLowerPriority']);
  assert.deepEqual(tableRow(rt('coordination.k8s.io', 'Lease'), { metadata: meta('kube-scheduler'), spec: { holderIdentity: 'host_1' } }, now), ['kube-scheduler', 'host_1', '5m']);
  const ing = { metadata: meta('web'), spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{}] }, status: { loadBalancer: { ingress: [{ ip: '192.168.1.9' }] } } };
  assert.deepEqual(tableRow(rt('networking.k8s.io', 'Ingress'), ing, now), ['web', 'nginx', 'a.example.com,b.example.com', '192.168.1.9', '80, 443', '5m']);
  const rb = { metadata: meta('rb'), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'default', namespace: 'ci' }] };
  assert.deepEqual(tableRow(rt('rbac.authorization.k8s.io', 'RoleBinding'), rb, now), ['rb', 'ClusterRole/view', '5m', 'alice', '', 'ci/default']);
  assert.deepEqual(names(rt('rbac.authorization.k8s.io', 'Role')), ['NAME', 'CREATED AT']);
  assert.deepEqual(tableRow(rt('rbac.authorization.k8s.io', 'ClusterRole'), { metadata: { name: 'view', creationTimestamp: '2026-01-01T11:55:00.000Z' } }, now), ['view', '2026-01-01T11:55:00Z']);
  const quota = { metadata: meta('q'), status: { hard: { 'limits.cpu': '2', pods: '10', 'requests.memory': '1Gi' }, used: { pods: '3', 'requests.memory': '512Mi' } } };
  assert.deepEqual(tableRow(rt('', 'ResourceQuota'), quota, now), ['q', '5m', 'pods: 3/10, requests.memory: 512Mi/1Gi', 'limits.cpu: 0/2']);
  const rev = { metadata: meta('web-6d4b', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', controller: true }] }), revision: 2 };
  assert.deepEqual(tableRow(rt('apps', 'ControllerRevision'), rev, now), ['web-6d4b', 'statefulset.apps/web', 2, '5m']);
});

test('buildTable wraps rows with partial metadata and marks finished pods', () => {
  const r = rt('', 'Pod');
  const pod = { metadata: meta('done'), spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
  const t = buildTable(r, [pod], now, { resourceVersion: '42' });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '42' });
  const rows = t.rows as Record<string, unknown>[];
  assert.deepEqual(rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
  assert.deepEqual(rows[0].conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  assert.equal((t.columnDefinitions as unknown[]).length, 9);
  assert.equal(buildTable(r, [pod], now, { noHeaders: true, includeObject: 'None' }).columnDefinitions, undefined);
});

test('the scale subresource prints desired and available replicas', () => {
  const scaleType = { ...rt('apps', 'Deployment'), group: 'autoscaling', version: 'v1', kind: 'Scale' };
  assert.deepEqual(tableColumns(scaleType).map((c) => [c.name, c.format]), [['Name', ''], ['Desired', ''], ['Available', ''], ['Age', '']]);
  assert.deepEqual(tableRow(scaleType, { metadata: meta('web'), spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=web' } }, now), ['web', 3, 2, '5m']);
});
