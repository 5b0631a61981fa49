// Realistic manifests, as users and controllers write them, must pass validation after
// defaulting: a false rejection breaks a working workflow, which is worse than a
// missed check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, type ResourceType } from '../resources.js';
import { applyDefaults, prepareJobOnCreate } from '../defaults/index.js';
import { formatFieldError, validateObject } from './index.js';

const rt = (group: string, kind: string, version?: string): ResourceType => {
  const r = resourceTypes.find((x) => x.group === group && x.kind === kind && (!version || x.version === version));
  assert.ok(r);
  return r;
};

function ok(r: ResourceType, o: Record<string, unknown>): void {
  applyDefaults(r, o);
  if (r.kind === 'Job') prepareJobOnCreate(o, '0b5c1f3e-7a3c-4b7e-9a43-2f3d9d1c0a11');
  assert.deepEqual(validateObject(r, o).map(formatFieldError), [], `${r.kind} ${JSON.stringify((o.metadata as { name?: string }).name)}`);
  // Re-validating the unchanged object as an update must pass too.
  assert.deepEqual(validateObject(r, structuredClone(o), o).map(formatFieldError), [], `${r.kind} update`);
}

test('a docs-style nginx deployment and its service', () => {
  ok(rt('apps', 'Deployment'), {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'nginx-deployment', namespace: 'default', labels: { app: 'nginx' }, creationTimestamp: null },
    spec: {
      replicas: 3, selector: { matchLabels: { app: 'nginx' } }, strategy: {},
      template: {
        metadata: { labels: { app: 'nginx' }, creationTimestamp: null },
        spec: {
          containers: [{
            name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }], resources: {},
            readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5 },
            livenessProbe: { tcpSocket: { port: 'http' } },
            env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'MODE', value: 'prod' }],
          }],
        },
      },
    },
    status: {},
  });
  ok(rt('', 'Service'), {
    metadata: { name: 'nginx', namespace: 'default' },
    spec: { type: 'LoadBalancer', selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80, targetPort: 80 }, { name: 'https', port: 443, targetPort: 'https' }] },
  });
  ok(rt('', 'Service'), { metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } });
  ok(rt('', 'Service'), { metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com.' } });
});

test('a stateful set with claim templates, a daemon set, jobs', () => {
  ok(rt('apps', 'StatefulSet'), {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'nginx', replicas: 2, selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { terminationGracePeriodSeconds: 10, containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.8', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  ok(rt('apps', 'DaemonSet'), {
    metadata: { name: 'fluentd', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { name: 'fluentd' } },
      template: {
        metadata: { labels: { name: 'fluentd' } },
        spec: {
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{ name: 'fluentd', image: 'fluentd:v1', resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } }, volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }] }],
          volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
        },
      },
    },
  });
  ok(rt('batch', 'Job'), { metadata: { name: 'pi', namespace: 'default' }, spec: { backoffLimit: 4, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }] } } } });
  ok(rt('batch', 'CronJob'), {
    metadata: { name: 'hello', namespace: 'default' },
    spec: { schedule: '* * * * *', timeZone: 'Etc/UTC', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox:1.28', imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', 'date'] }] } } } } },
  });
});

test('pods with init containers, sidecars, volumes of every common kind', () => {
  ok(rt('', 'Pod'), {
    metadata: { name: 'app', namespace: 'default', labels: { 'app.kubernetes.io/name': 'app' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: {
      initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] }, { name: 'proxy', image: 'envoy', restartPolicy: 'Always', readinessProbe: { grpc: { port: 9901 } } }],
      containers: [{
        name: 'main', image: 'localhost:5000/app@sha256:0123456789abcdef', ports: [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
        envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }, { name: 'tok', mountPath: '/var/run/tok' }, { name: 'scratch', mountPath: '/tmp', subPath: 'x' }, { name: 'data', mountPath: '/data' }, { name: 'info', mountPath: '/etc/info' }],
        lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
        securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false },
      }],
      volumes: [
        { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.conf' }] } },
        { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }, { configMap: { name: 'kube-root-ca.crt' } }] } },
        { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists' }],
      dnsPolicy: 'None', dnsConfig: { nameservers: ['10.43.0.10'], searches: ['default.svc.cluster.local'] },
      hostname: 'app', subdomain: 'apps', priorityClassName: 'system-cluster-critical',
    },
  });
});

test('config, secrets, rbac, policy, autoscaling, networking, coordination', () => {
  ok(rt('', 'ConfigMap'), { metadata: { name: 'kube-root-ca.crt', namespace: 'default' }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----' } });
  ok(rt('', 'Secret'), { metadata: { name: 'regcred', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } });
  ok(rt('', 'Secret'), { metadata: { name: 'tok', namespace: 'default', annotations: { 'kubernetes.io/service-account.name': 'default' } }, type: 'kubernetes.io/service-account-token' });
  ok(rt('', 'ServiceAccount'), { metadata: { name: 'default', namespace: 'default' } });
  ok(rt('', 'Namespace'), { metadata: { name: 'kube-system' } });
  ok(rt('rbac.authorization.k8s.io', 'ClusterRole'), { metadata: { name: 'system:controller:job-controller' }, rules: [{ apiGroups: ['batch'], resources: ['jobs', 'jobs/status'], verbs: ['get', 'list', 'watch', 'update'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] });
  ok(rt('rbac.authorization.k8s.io', 'ClusterRoleBinding'), { metadata: { name: 'admin-binding' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }, { kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }] });
  ok(rt('policy', 'PodDisruptionBudget'), { metadata: { name: 'zk', namespace: 'default' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'zk' } } } });
  ok(rt('autoscaling', 'HorizontalPodAutoscaler', 'v2'), { metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }], behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } });
  ok(rt('networking.k8s.io', 'Ingress'), { metadata: { name: 'web', namespace: 'default' }, spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'], secretName: 'tls' }], rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } });
  ok(rt('networking.k8s.io', 'NetworkPolicy'), { metadata: { name: 'deny', namespace: 'default' }, spec: { podSelector: { matchLabels: { role: 'db' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { project: 'x' } }, podSelector: { matchLabels: { role: 'fe' } } }, { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }], ports: [{ protocol: 'TCP', port: 6379 }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] } });
  ok(rt('coordination.k8s.io', 'Lease'), { metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'host_4f1c', leaseDurationSeconds: 15, acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:10.000000Z', leaseTransitions: 0 } });
  ok(rt('', 'Event'), { metadata: { name: 'web.17f3', namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, reason: 'Scheduled', message: 'assigned', type: 'Normal', source: { component: 'default-scheduler' }, count: 1 });
  ok(rt('discovery.k8s.io', 'EndpointSlice'), { metadata: { name: 'web-x1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], endpoints: [{ addresses: ['10.42.0.5'], conditions: { ready: true }, nodeName: 'n1' }] });
  ok(rt('', 'Endpoints'), { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.42.0.5', targetRef: { kind: 'Pod', name: 'web-0', namespace: 'default' } }], ports: [{ port: 80 }] }] });
  ok(rt('', 'Node'), { metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } }, spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'], taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } });
  ok(rt('scheduling.k8s.io', 'PriorityClass'), { metadata: { name: 'system-node-critical' }, value: 2000001000 });
  ok(rt('storage.k8s.io', 'StorageClass'), { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
  ok(rt('', 'PersistentVolume'), { metadata: { name: 'pv-1' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/data' }, storageClassName: 'manual' } });
  ok(rt('apps', 'ControllerRevision'), { metadata: { name: 'web-7d9f', namespace: 'default' }, revision: 1, data: { spec: {} } });
});
