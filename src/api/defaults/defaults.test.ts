import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, type ResourceType } from '../resources.js';
import { addDefaultTolerations, applyDefaults, defaultTolerations, imageTag, podQOSClass, prepareJobOnCreate, prepareNamespaceOnCreate, preparePodOnCreate } from './index.js';

const rt = (group: string, kind: string, version?: string): ResourceType => {
  const r = resourceTypes.find((x) => x.group === group && x.kind === kind && (!version || x.version === version));
  assert.ok(r, `${group}/${kind}`);
  return r;
};

test('pod defaults', () => {
  const pod: Record<string, unknown> = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [{
        name: 'c', image: 'nginx', ports: [{ containerPort: 80 }],
        resources: { limits: { cpu: '500m' } },
        readinessProbe: { httpGet: { port: 80 } },
      }],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'app' } }],
    },
  };
  applyDefaults(rt('', 'Pod'), pod);
  assert.deepEqual(pod.spec, {
    containers: [{
      name: 'c', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: { limits: { cpu: '500m' }, requests: { cpu: '500m' } },
      readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    }],
    volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'app', defaultMode: 420 } }],
    dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler', enableServiceLinks: true, serviceAccountName: 'default', serviceAccount: 'default',
    priority: 0, preemptionPolicy: 'PreemptLowerPriority',
  });
});

test('image pull policy follows the tag', () => {
  assert.equal(imageTag('nginx'), 'latest');
  assert.equal(imageTag('nginx:1.25'), '1.25');
  assert.equal(imageTag('localhost:5000/busybox'), 'latest');
  assert.equal(imageTag('localhost:5000/busybox:v1'), 'v1');
  assert.equal(imageTag('busybox@sha256:abc'), '');
  const pod = { spec: { containers: [{ name: 'a', image: 'busybox:1.36' }, { name: 'b', image: 'busybox:latest' }] } };
  applyDefaults(rt('', 'Pod'), pod);
  assert.deepEqual(pod.spec.containers.map((c) => (c as Record<string, unknown>).imagePullPolicy), ['IfNotPresent', 'Always']);
});

test('deployment defaults do not add pod-only fields to the template', () => {
  const d: Record<string, unknown> = { spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } };
  applyDefaults(rt('apps', 'Deployment'), d);
  const spec = d.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  const tspec = (spec.template as Record<string, Record<string, unknown>>).spec;
  assert.equal(tspec.restartPolicy, 'Always');
  assert.equal(tspec.enableServiceLinks, undefined);
  assert.equal(tspec.serviceAccountName, undefined);
});

test('statefulset, daemonset, cronjob defaults', () => {
  const s: Record<string, Record<string, unknown>> = { spec: { template: { spec: { containers: [] } } } };
  applyDefaults(rt('apps', 'StatefulSet'), s);
  assert.equal(s.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(s.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(s.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(s.spec.serviceName, '');
  assert.equal(s.spec.revisionHistoryLimit, 10);
  const ds: Record<string, Record<string, unknown>> = { spec: {} };
  applyDefaults(rt('apps', 'DaemonSet'), ds);
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  const cj: Record<string, Record<string, unknown>> = { spec: { schedule: '* * * * *' } };
  applyDefaults(rt('batch', 'CronJob'), cj);
  assert.deepEqual(cj.spec, { schedule: '* * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
});

test('job defaults and selector generation', () => {
  const job: Record<string, unknown> = { metadata: { name: 'pi' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'perl' }], restartPolicy: 'Never' } } } };
  applyDefaults(rt('batch', 'Job'), job);
  prepareJobOnCreate(job, 'uid-1');
  const spec = job.spec as Record<string, unknown>;
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
  const labels = { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'job-name': 'pi' };
  assert.deepEqual((spec.template as { metadata: { labels: unknown } }).metadata.labels, labels);
  assert.deepEqual((job.metadata as { labels: unknown }).labels, labels);
  const manual: Record<string, unknown> = { metadata: { name: 'm' }, spec: { manualSelector: true, template: {} } };
  prepareJobOnCreate(manual, 'u');
  assert.equal((manual.spec as Record<string, unknown>).selector, undefined);
});

test('service defaults', () => {
  const svc: Record<string, Record<string, unknown>> = { spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] } };
  applyDefaults(rt('', 'Service'), svc);
  assert.deepEqual(svc.spec, {
    type: 'NodePort', selector: { app: 'x' }, sessionAffinity: 'None',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }],
    externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
  const ext: Record<string, Record<string, unknown>> = { spec: { type: 'ExternalName', externalName: 'example.com' } };
  applyDefaults(rt('', 'Service'), ext);
  assert.deepEqual(ext.spec, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
});

test('namespace, secret, pvc, hpa, rbac defaults', () => {
  const ns: Record<string, unknown> = { metadata: { name: 'team-a' } };
  applyDefaults(rt('', 'Namespace'), ns);
  prepareNamespaceOnCreate(ns);
  assert.deepEqual(ns, { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } }, status: { phase: 'Active' }, spec: { finalizers: ['kubernetes'] } });
  const secret: Record<string, unknown> = { data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'hello' } };
  applyDefaults(rt('', 'Secret'), secret);
  assert.deepEqual(secret, { type: 'Opaque', data: { a: 'eA==', b: 'aGVsbG8=' } });
  const pvc: Record<string, Record<string, unknown>> = { spec: {} };
  applyDefaults(rt('', 'PersistentVolumeClaim'), pvc);
  assert.equal(pvc.spec.volumeMode, 'Filesystem');
  const hpa: Record<string, Record<string, unknown>> = { spec: { maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } };
  applyDefaults(rt('autoscaling', 'HorizontalPodAutoscaler', 'v2'), hpa);
  assert.equal(hpa.spec.minReplicas, 1);
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(hpa.spec.behavior, {
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
  const rb: Record<string, unknown> = { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'x' }] };
  applyDefaults(rt('rbac.authorization.k8s.io', 'RoleBinding'), rb);
  assert.deepEqual(rb, {
    roleRef: { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' },
    subjects: [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'x', apiGroup: '' }],
  });
});

test('default tolerations (DefaultTolerationSeconds admission)', () => {
  assert.deepEqual(defaultTolerations(300, 200), [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 200 },
  ]);
  const pod = { spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] } };
  addDefaultTolerations(pod);
  assert.deepEqual(pod.spec.tolerations.map((t) => [t.key, t.tolerationSeconds]), [['node.kubernetes.io/not-ready', 5], ['node.kubernetes.io/unreachable', 300]]);
});

test('QoS class and pod create strategy', () => {
  const mk = (resources: unknown): Record<string, unknown> => ({ spec: { containers: [{ name: 'c', resources }] } });
  assert.equal(podQOSClass(mk({})), 'BestEffort');
  assert.equal(podQOSClass(mk({ requests: { cpu: '100m' } })), 'Burstable');
  assert.equal(podQOSClass(mk({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1Gi' } })), 'Guaranteed');
  const pod = mk({});
  preparePodOnCreate(pod);
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('service updates keep allocated cluster IPs and node ports', async () => {
  const { prepareServiceForUpdate } = await import('./index.js');
  const old = { spec: { type: 'NodePort', clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.9'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ name: 'http', port: 80, nodePort: 30080 }] } };
  const svc: Record<string, unknown> = { spec: { type: 'NodePort', ports: [{ name: 'http', port: 8080 }] } };
  prepareServiceForUpdate(svc, old);
  assert.deepEqual(svc.spec, { type: 'NodePort', clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.9'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ name: 'http', port: 8080, nodePort: 30080 }] });
  const toExternal: Record<string, unknown> = { spec: { type: 'ExternalName', externalName: 'x.example.com' } };
  prepareServiceForUpdate(toExternal, old);
  assert.deepEqual(toExternal.spec, { type: 'ExternalName', externalName: 'x.example.com' });
});

test('a type change drops the fields the new type has no use for, unless the update changed them', async () => {
  const { prepareServiceForUpdate } = await import('./index.js');
  const old = { spec: { type: 'LoadBalancer', clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.9'], externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, allocateLoadBalancerNodePorts: true, ports: [{ name: 'http', port: 80, nodePort: 30080 }] } };
  const patched: Record<string, unknown> = structuredClone({ spec: { ...old.spec, type: 'ClusterIP' } });
  prepareServiceForUpdate(patched, old);
  assert.deepEqual(patched.spec, { type: 'ClusterIP', clusterIP: '10.43.0.9', clusterIPs: ['10.43.0.9'], ports: [{ name: 'http', port: 80 }] });
  const newPort: Record<string, unknown> = structuredClone({ spec: { ...old.spec, type: 'ClusterIP', ports: [{ name: 'http', port: 80, nodePort: 30099 }] } });
  prepareServiceForUpdate(newPort, old);
  assert.deepEqual((newPort.spec as { ports: unknown }).ports, [{ name: 'http', port: 80, nodePort: 30099 }], 'a node port the user asked for is kept (and fails validation)');
});

test('defaulting is idempotent for every kind', () => {
  const tpl = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } }], volumes: [{ name: 'v' }] } };
  const specs: Record<string, unknown> = {
    Pod: tpl.spec, Deployment: { template: tpl }, ReplicaSet: { template: tpl }, StatefulSet: { template: tpl, volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: {} }] },
    DaemonSet: { template: tpl }, Job: { template: tpl }, CronJob: { jobTemplate: { spec: { template: tpl } } }, ReplicationController: { template: tpl },
    Service: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { a: 'b' } }, HorizontalPodAutoscaler: { maxReplicas: 3, behavior: {} },
    NetworkPolicy: { egress: [{ ports: [{ port: 53 }] }] }, PersistentVolume: {}, PersistentVolumeClaim: {}, LimitRange: { limits: [{ type: 'Container', max: { cpu: '1' } }] },
  };
  for (const r of resourceTypes) {
    const o: Record<string, unknown> = { metadata: { name: 'x', namespace: 'd' }, spec: structuredClone(specs[r.kind] ?? {}), data: {}, stringData: { k: 'v' }, subsets: [{ ports: [{ port: 1 }] }], ports: [{ port: 1 }], roleRef: { kind: 'Role', name: 'r' } };
    applyDefaults(r, o);
    const once = structuredClone(o);
    applyDefaults(r, o);
    assert.deepEqual(o, once, `${r.group}/${r.version}/${r.kind}`);
  }
});
