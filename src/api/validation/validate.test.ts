import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, type ResourceType } from '../resources.js';
import { applyDefaults, prepareJobOnCreate } from '../defaults/index.js';
import { formatFieldError, invalidMessage, qualifiedKind, validateObject } from './index.js';

const rt = (group: string, kind: string): ResourceType => {
  const r = resourceTypes.find((x) => x.group === group && x.kind === kind);
  assert.ok(r);
  return r;
};

/** Defaults then validates, returning "field: message" lines. */
function check(r: ResourceType, o: Record<string, unknown>, old?: Record<string, unknown>): string[] {
  applyDefaults(r, o);
  return validateObject(r, o, old).map(formatFieldError);
}

const subdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const pod = (spec: Record<string, unknown>, name = 'web'): Record<string, unknown> => ({ metadata: { name, namespace: 'default' }, spec });

test('a good pod is valid', () => {
  assert.deepEqual(check(rt('', 'Pod'), pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, name: 'http' }] }] })), []);
});

test('bad pod name and missing containers: the Status message', () => {
  const r = rt('', 'Pod');
  const p = pod({}, 'Bad_Name');
  applyDefaults(r, p);
  const errs = validateObject(r, p);
  assert.deepEqual(errs.map((e) => e.reason), ['FieldValueInvalid', 'FieldValueRequired']);
  assert.equal(invalidMessage(qualifiedKind(r), 'Bad_Name', errs), `Pod "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": ${subdomainMsg}, spec.containers: Required value]`);
});

test('container rules', () => {
  const errs = check(rt('', 'Pod'), pod({
    containers: [
      { name: 'a', image: '', ports: [{ containerPort: 70000, protocol: 'HTTP' }, { containerPort: 80, name: 'x', hostPort: 0 }, { containerPort: 81, name: 'x' }] },
      { name: 'a', image: 'i', volumeMounts: [{ name: 'missing', mountPath: '/m' }], resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } },
    ],
  }));
  assert.deepEqual(errs, [
    'spec.containers[0].image: Required value',
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[2].name: Duplicate value: "x"',
    'spec.containers[1].name: Duplicate value: "a"',
    'spec.containers[1].volumeMounts[0].name: Not found: "missing"',
    'spec.containers[1].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  ]);
});

test('volumes, restart policy, probes', () => {
  const errs = check(rt('', 'Pod'), pod({
    restartPolicy: 'Sometimes',
    volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'v', emptyDir: {} }],
    containers: [{ name: 'c', image: 'i', livenessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 1 }, successThreshold: 2 } }],
  }));
  assert.deepEqual(errs, [
    'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[1].name: Duplicate value: "v"',
    'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
});

test('pod updates: image may change, the rest may not', () => {
  const r = rt('', 'Pod');
  const old = pod({ containers: [{ name: 'c', image: 'nginx:1' }] });
  applyDefaults(r, old);
  const newer = structuredClone(old);
  ((newer.spec as Record<string, unknown[]>).containers[0] as Record<string, unknown>).image = 'nginx:2';
  assert.deepEqual(validateObject(r, newer, old), []);
  const bound = structuredClone(old);
  (bound.spec as Record<string, unknown>).nodeName = 'n1';
  assert.deepEqual(validateObject(r, bound, old), [], 'binding sets nodeName once');
  const moved = structuredClone(bound);
  (moved.spec as Record<string, unknown>).nodeName = 'n2';
  assert.equal(validateObject(r, moved, bound).length, 1, 'nodeName may not change once set');
  const bad = structuredClone(old);
  (bad.spec as Record<string, unknown>).restartPolicy = 'Never';
  (bad.metadata as Record<string, unknown>).name = 'other';
  const errs = validateObject(r, bad, old).map(formatFieldError);
  assert.equal(errs[0], 'metadata.name: Invalid value: "other": field is immutable');
  assert.match(errs[1], /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,/);
  assert.match(errs[1], /spec.restartPolicy: "Always" -> "Never"/);
});

test('labels, annotations, namespace', () => {
  const r = rt('', 'ConfigMap');
  const errs = check(r, { metadata: { name: 'cm', labels: { 'bad key!': 'v', ok: 'bad value!' }, annotations: { big: 'x'.repeat(256 * 1024) } } });
  assert.equal(errs.length, 4);
  assert.equal(errs[0], 'metadata.namespace: Required value');
  assert.match(errs[1], /^metadata\.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters/);
  assert.match(errs[2], /^metadata\.labels: Invalid value: "bad value!": a valid label must be an empty string/);
  assert.equal(errs[3], 'metadata.annotations: Too long: may not be more than 262144 bytes');
});

test('config map keys and immutability', () => {
  const r = rt('', 'ConfigMap');
  assert.deepEqual(check(r, { metadata: { name: 'cm', namespace: 'd' }, data: { 'a b': 'x' } }), [
    "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  const old = { metadata: { name: 'cm', namespace: 'd' }, data: { a: '1' }, immutable: true };
  assert.deepEqual(check(r, { metadata: { name: 'cm', namespace: 'd' }, data: { a: '2' }, immutable: true }, old), ['data: Forbidden: field is immutable when `immutable` is set']);
});

test('secrets by type', () => {
  const r = rt('', 'Secret');
  assert.deepEqual(check(r, { metadata: { name: 's', namespace: 'd' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }), ['data[tls.key]: Required value']);
  assert.deepEqual(check(r, { metadata: { name: 's', namespace: 'd' } }), []);
});

test('services', () => {
  const r = rt('', 'Service');
  const svc = (spec: Record<string, unknown>, name = 'web'): Record<string, unknown> => ({ metadata: { name, namespace: 'default' }, spec });
  assert.deepEqual(check(r, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] })), []);
  assert.deepEqual(check(r, svc({ ports: [{ port: 80 }] }, '1web')), [
    "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(check(r, svc({ type: 'Weird', ports: [{ port: 80 }, { port: 81 }] })), [
    'spec.type: Unsupported value: "Weird": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    'spec.ports[0].name: Required value',
    'spec.ports[1].name: Required value',
  ]);
  assert.deepEqual(check(r, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })), [
    'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
  ]);
  const np = svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] });
  applyDefaults(r, np);
  assert.deepEqual(validateObject(r, np, undefined, { nodePortRange: { min: 8000, max: 9000 } }), []);
  assert.equal(validateObject(r, np, undefined, { nodePortRange: [9000, 9100] }).length, 1);
  assert.deepEqual(check(r, svc({ ports: [{ port: 80, nodePort: 30080 }] })), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  assert.deepEqual(check(r, svc({ ports: [] })), ['spec.ports: Required value']);
  assert.deepEqual(check(r, svc({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] })), [
    'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
  assert.deepEqual(check(r, svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } }, ports: [{ port: 80 }] })), [
    'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400',
  ]);
  assert.deepEqual(check(r, svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] })), []);
  const old = svc({ clusterIP: '10.43.0.5', ports: [{ port: 80 }] });
  applyDefaults(r, old);
  assert.deepEqual(check(r, svc({ clusterIP: '10.43.0.6', ports: [{ port: 80 }] }), old), ['spec.clusterIPs[0]: Invalid value: []string{"10.43.0.6"}: may not change once set']);
});

const deployment = (selector: unknown, labels: Record<string, string>): Record<string, unknown> => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

test('deployments: selector must match the template, and is immutable', () => {
  const r = rt('apps', 'Deployment');
  assert.deepEqual(check(r, deployment({ matchLabels: { app: 'web' } }, { app: 'web' })), []);
  assert.deepEqual(check(r, deployment({ matchLabels: { app: 'web' } }, { app: 'other' })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(check(r, deployment(undefined, { app: 'web' })), ['spec.selector: Required value']);
  const old = deployment({ matchLabels: { app: 'web' } }, { app: 'web', v: '1' });
  applyDefaults(r, old);
  assert.deepEqual(check(r, deployment({ matchLabels: { app: 'web', v: '1' } }, { app: 'web', v: '1' }), old), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  const zero = deployment({ matchLabels: { a: 'b' } }, { a: 'b' });
  (zero.spec as Record<string, unknown>).strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
  (zero.spec as Record<string, unknown>).replicas = -1;
  assert.deepEqual(check(r, zero), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ]);
});

test('jobs and cronjobs', () => {
  const job: Record<string, unknown> = { metadata: { name: 'pi', namespace: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'perl' }] } } } };
  applyDefaults(rt('batch', 'Job'), job);
  prepareJobOnCreate(job, '5d3f2c1a-0000-4000-8000-000000000001');
  assert.deepEqual(validateObject(rt('batch', 'Job'), job).map(formatFieldError), [
    'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
  ]);
  const cj = (schedule: string, name = 'tick'): Record<string, unknown> => ({
    metadata: { name, namespace: 'd' },
    spec: { schedule, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } },
  });
  assert.deepEqual(check(rt('batch', 'CronJob'), cj('*/5 * * * *')), []);
  assert.deepEqual(check(rt('batch', 'CronJob'), cj('61 * * * *')), ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']);
  assert.deepEqual(check(rt('batch', 'CronJob'), cj('* * * * *', 'x'.repeat(53))), [`metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`]);
});

test('namespaces use DNS labels, cluster-scoped kinds forbid a namespace', () => {
  assert.equal(check(rt('', 'Namespace'), { metadata: { name: 'a.b' } }).length, 1);
  assert.deepEqual(check(rt('', 'Node'), { metadata: { name: 'n1', namespace: 'x' } }), ['metadata.namespace: Forbidden: not allowed on this type']);
});

test('rbac, priority classes, pdbs, hpas, leases', () => {
  assert.deepEqual(check(rt('rbac.authorization.k8s.io', 'Role'), { metadata: { name: 'r', namespace: 'd' }, rules: [{ verbs: [], nonResourceURLs: ['/x'] }] }), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs',
  ]);
  const rbOld = { metadata: { name: 'b', namespace: 'd' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } };
  assert.deepEqual(check(rt('rbac.authorization.k8s.io', 'RoleBinding'), { metadata: { name: 'b', namespace: 'd' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r2' } }, rbOld), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"r2"}: cannot change roleRef',
  ]);
  assert.deepEqual(check(rt('scheduling.k8s.io', 'PriorityClass'), { metadata: { name: 'high' }, value: 2000000000 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(check(rt('policy', 'PodDisruptionBudget'), { metadata: { name: 'p', namespace: 'd' }, spec: { minAvailable: '150%' } }), ['spec.minAvailable: Invalid value: "150%": must not be greater than 100%']);
  assert.deepEqual(check(rt('autoscaling', 'HorizontalPodAutoscaler'), { metadata: { name: 'h', namespace: 'd' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 2 } }), [
    'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
  ]);
  assert.deepEqual(check(rt('coordination.k8s.io', 'Lease'), { metadata: { name: 'l', namespace: 'd' }, spec: { leaseDurationSeconds: 0 } }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
});

test('every kind validates a minimal good object without throwing', () => {
  for (const r of resourceTypes) {
    const o: Record<string, unknown> = { metadata: r.namespaced ? { name: 'x', namespace: 'd' } : { name: 'x' } };
    applyDefaults(r, o);
    assert.doesNotThrow(() => validateObject(r, o), r.kind);
    assert.doesNotThrow(() => validateObject(r, o, structuredClone(o)), r.kind);
  }
});

test('nodes: taints (reported under metadata.taints, as Kubernetes does) and pod CIDRs', () => {
  const errs = check(rt('', 'Node'), { metadata: { name: 'n1' }, spec: { podCIDRs: ['10.42.0.0/33'], taints: [{ key: 'k', effect: 'Sometimes' }, { key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }] } });
  assert.deepEqual(errs, [
    'spec.podCIDRs[0]: Invalid value: []string{"10.42.0.0/33"}: must be valid CIDR',
    'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'metadata.taints[2]: Duplicate value: core.Taint{Key:"a", Value:"", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
  ]);
});

test('the 422 Status object', async () => {
  const { invalidStatus } = await import('./index.js');
  const r = rt('apps', 'Deployment');
  const d = deployment(undefined, { app: 'web' });
  applyDefaults(r, d);
  assert.deepEqual(invalidStatus(r, 'web', validateObject(r, d)), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'Deployment.apps "web" is invalid: spec.selector: Required value',
    reason: 'Invalid',
    details: { name: 'web', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }] },
    code: 422,
  });
});

test('container resource names', () => {
  const errs = check(rt('', 'Pod'), pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { gpu: '1', 'example.com/dongle': '1' }, requests: { 'example.com/dongle': '2' } } }] }));
  assert.deepEqual(errs, [
    'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    'spec.containers[0].resources.requests: Invalid value: "2": must be equal to example.com/dongle limit of 1',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
  ]);
});

test('downward API env vars', () => {
  const env = (fieldPath: string): Record<string, unknown> => pod({ containers: [{ name: 'c', image: 'i', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath } } }] }] });
  const r = rt('', 'Pod');
  assert.deepEqual(check(r, env('status.podIP')), []);
  assert.deepEqual(check(r, env("metadata.labels['app']")), []);
  assert.deepEqual(check(r, env('status.phase')), [
    'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
  ]);
  assert.deepEqual(check(r, env('foo')), ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "foo": error converting fieldPath: field label not supported: foo']);
});

test('affinity, topology spread, scheduling gates', () => {
  const r = rt('', 'Pod');
  const errs = check(r, pod({
    containers: [{ name: 'c', image: 'i' }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [] }, { key: 'cpus', operator: 'Gt', values: ['1', '2'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }],
      },
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } } }] },
    },
    topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }],
    schedulingGates: [{ name: 'example.com/wait' }, { name: 'example.com/wait' }],
  }));
  assert.deepEqual(errs, [
    "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
    'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
    'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
    'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
    'spec.schedulingGates[1]: Duplicate value: "example.com/wait"',
  ]);
  const gated = pod({ containers: [{ name: 'c', image: 'i' }], schedulingGates: [{ name: 'a' }, { name: 'b' }] });
  applyDefaults(r, gated);
  const fewer = structuredClone(gated);
  (fewer.spec as Record<string, unknown>).schedulingGates = [{ name: 'b' }];
  assert.deepEqual(validateObject(r, fewer, gated), []);
  const more = structuredClone(gated);
  (more.spec as Record<string, unknown>).schedulingGates = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
  assert.deepEqual(validateObject(r, more, gated).map(formatFieldError), ["spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'c'"]);
});
