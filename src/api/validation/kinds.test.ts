import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, type ResourceType } from '../resources.js';
import { applyDefaults } from '../defaults/index.js';
import { formatFieldError, validateObject } from './index.js';

const rt = (group: string, kind: string): ResourceType => {
  const r = resourceTypes.find((x) => x.group === group && x.kind === kind);
  assert.ok(r);
  return r;
};
function check(r: ResourceType, o: Record<string, unknown>, old?: Record<string, unknown>): string[] {
  applyDefaults(r, o);
  if (old) applyDefaults(r, old);
  return validateObject(r, o, old).map(formatFieldError);
}
const m = (name: string): Record<string, unknown> => ({ name, namespace: 'd' });
const tpl = (labels: Record<string, string>): Record<string, unknown> => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } });

test('statefulset spec updates are limited', () => {
  const r = rt('apps', 'StatefulSet');
  const s = (serviceName: string, replicas: number): Record<string, unknown> => ({ metadata: m('db'), spec: { serviceName, replicas, selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'b' }) } });
  assert.deepEqual(check(r, s('db', 1)), []);
  assert.deepEqual(check(r, s('db', 3), s('db', 1)), []);
  assert.deepEqual(check(r, s('other', 1), s('db', 1)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('daemonsets and replicasets', () => {
  const ds = { metadata: m('agent'), spec: { selector: { matchLabels: { a: 'b' } }, template: tpl({ a: 'b' }), updateStrategy: { type: 'Sometimes' } } };
  assert.deepEqual(check(rt('apps', 'DaemonSet'), ds), [
    'spec.updateStrategy: Unsupported value: {"type":"Sometimes"}: supported values: "RollingUpdate", "OnDelete"',
  ]);
  const rs = { metadata: m('rs'), spec: { selector: {}, template: tpl({ a: 'b' }) } };
  assert.deepEqual(check(rt('apps', 'ReplicaSet'), rs), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']);
  const never = { metadata: m('rs'), spec: { selector: { matchLabels: { a: 'b' } }, template: { ...tpl({ a: 'b' }), spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } };
  assert.deepEqual(check(rt('apps', 'ReplicaSet'), never), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
});

test('replication controllers', () => {
  assert.deepEqual(check(rt('', 'ReplicationController'), { metadata: m('rc'), spec: { selector: { a: 'x' }, template: tpl({ a: 'b' }) } }), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"a":"b"}: `selector` does not match template `labels`',
  ]);
  // The selector defaults from the template labels.
  assert.deepEqual(check(rt('', 'ReplicationController'), { metadata: m('rc'), spec: { template: tpl({ a: 'b' }) } }), []);
});

test('endpoints and endpoint slices', () => {
  assert.deepEqual(check(rt('', 'Endpoints'), { metadata: m('e'), subsets: [{ addresses: [{ ip: '10.0.0.300' }], ports: [{ port: 80 }, { port: 81, name: 'b' }] }] }), [
    'subsets[0].addresses[0].ip: Invalid value: "10.0.0.300": must be a valid IP address',
    'subsets[0].ports[0].name: Required value',
  ]);
  assert.deepEqual(check(rt('discovery.k8s.io', 'EndpointSlice'), { metadata: m('s'), addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }], ports: [{ port: 80 }] }), [
    'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
  ]);
  assert.deepEqual(check(rt('discovery.k8s.io', 'EndpointSlice'), { metadata: m('s'), addressType: 'Other' }), [
    'addressType: Unsupported value: "Other": supported values: "FQDN", "IPv4", "IPv6"',
  ]);
});

test('persistent volumes and claims', () => {
  assert.deepEqual(check(rt('', 'PersistentVolumeClaim'), { metadata: m('c'), spec: {} }), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  const claim = (size: string, mode: string): Record<string, unknown> => ({ metadata: m('c'), spec: { accessModes: [mode], resources: { requests: { storage: size } } } });
  assert.deepEqual(check(rt('', 'PersistentVolumeClaim'), claim('2Gi', 'ReadWriteOnce'), claim('1Gi', 'ReadWriteOnce')), []);
  assert.deepEqual(check(rt('', 'PersistentVolumeClaim'), claim('1Gi', 'ReadWriteMany'), claim('1Gi', 'ReadWriteOnce')), [
    'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
  ]);
  assert.deepEqual(check(rt('', 'PersistentVolume'), { metadata: { name: 'pv/1' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/x' } } }), [
    "metadata.name: Invalid value: \"pv/1\": may not contain '/'",
  ]);
});

test('ingresses and network policies', () => {
  const ing = { metadata: m('i'), spec: { rules: [{ host: 'Web.example.com', http: { paths: [{ path: 'x', pathType: 'Prefix', backend: { service: { name: 'web', port: {} } } }] } }] } };
  const errs = check(rt('networking.k8s.io', 'Ingress'), ing);
  assert.equal(errs.length, 3);
  assert.match(errs[0], /^spec\.rules\[0\]\.host: Invalid value: "Web\.example\.com": a lowercase RFC 1123 subdomain/);
  assert.equal(errs[1], 'spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path');
  assert.equal(errs[2], 'spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required');
  const np = { metadata: m('n'), spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP', port: 70000 }], from: [{ ipBlock: { cidr: '10.0.0.0/40' } }] }] } };
  assert.deepEqual(check(rt('networking.k8s.io', 'NetworkPolicy'), np), [
    'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/40": must be a valid CIDR',
  ]);
});

test('quotas, limit ranges, storage classes, events', () => {
  assert.deepEqual(check(rt('', 'ResourceQuota'), { metadata: m('q'), spec: { hard: { pods: 'ten' } } }), [
    "spec.hard[pods]: Invalid value: \"ten\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]);
  assert.deepEqual(check(rt('', 'LimitRange'), { metadata: m('l'), spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } }), []);
  const sc = { metadata: { name: 'fast' }, provisioner: 'k8ts.io/local' };
  assert.deepEqual(check(rt('storage.k8s.io', 'StorageClass'), { ...sc, parameters: { a: 'b' } }, sc), ['parameters: Forbidden: updates to parameters are forbidden.']);
  assert.deepEqual(check(rt('events.k8s.io', 'Event'), { metadata: m('e'), type: 'Normal' }), [
    'eventTime: Required value', 'reportingController: Required value', 'reportingInstance: Required value', 'action: Required value', 'reason: Required value',
  ]);
  assert.deepEqual(check(rt('', 'Event'), { metadata: m('e'), involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ]);
});

test('tolerations', () => {
  const r = rt('', 'Pod');
  const p = (tolerations: unknown[]): Record<string, unknown> => ({ metadata: m('p'), spec: { containers: [{ name: 'c', image: 'i' }], tolerations } });
  assert.deepEqual(check(r, p([{ key: 'k', operator: 'Exists', value: 'v' }, { key: 'k', operator: 'Maybe' }, { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule', tolerationSeconds: 5 }])), [
    'spec.tolerations[0].operator: Invalid value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'',
    'spec.tolerations[1].operator: Unsupported value: "Maybe": supported values: "Equal", "Exists"',
    "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
  ]);
  const old = p([{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
  applyDefaults(r, old);
  const added = structuredClone(old);
  ((added.spec as Record<string, unknown[]>).tolerations).push({ key: 'b', operator: 'Exists' });
  assert.deepEqual(validateObject(r, added, old), []);
  const removed = structuredClone(old);
  (removed.spec as Record<string, unknown>).tolerations = [];
  assert.equal(validateObject(r, removed, old).map(formatFieldError)[0], 'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds');
});

test('security contexts', () => {
  const r = rt('', 'Pod');
  const errs = check(r, { metadata: m('p'), spec: { securityContext: { runAsUser: -1, seccompProfile: { type: 'Localhost' } }, containers: [{ name: 'c', image: 'i', securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'x.json' }, procMount: 'Weird' } }] } });
  assert.deepEqual(errs, [
    'spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: "x.json": can only be set when seccomp type is Localhost',
    'spec.containers[0].securityContext.procMount: Unsupported value: "Weird": supported values: "Default", "Unmasked"',
    'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
    'spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
  ]);
});

test('job updates: immutable template unless suspended and never started', () => {
  const r = rt('batch', 'Job');
  const job = (nodeSelector: Record<string, string>, suspend: boolean): Record<string, unknown> => ({
    metadata: m('j'), spec: { suspend, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { restartPolicy: 'Never', nodeSelector, containers: [{ name: 'c', image: 'i' }] } } },
  });
  assert.deepEqual(check(r, job({ zone: 'b' }, true), job({ zone: 'a' }, true)), []);
  const errs = check(r, job({ zone: 'b' }, false), job({ zone: 'a' }, false));
  assert.equal(errs.length, 1);
  assert.match(errs[0], /^spec\.template: Invalid value: .*: field is immutable$/);
});

test('hpa metric targets', () => {
  const r = rt('autoscaling', 'HorizontalPodAutoscaler');
  const h = (metrics: unknown[]): Record<string, unknown> => ({ metadata: m('h'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, metrics } });
  assert.deepEqual(check(r, h([{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }])), []);
  assert.deepEqual(check(r, h([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }, { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '0' } } }])), [
    'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    'spec.metrics[1].pods.target.averageValue: Invalid value: "0": must be positive',
  ]);
});

test('ephemeral containers', () => {
  const r = rt('', 'Pod');
  const base = { metadata: m('p'), spec: { containers: [{ name: 'app', image: 'i' }] } };
  applyDefaults(r, base);
  const created = structuredClone(base);
  (created.spec as Record<string, unknown>).ephemeralContainers = [{ name: 'debug', image: 'busybox' }];
  assert.deepEqual(validateObject(r, structuredClone(created)).map(formatFieldError), ['spec.ephemeralContainers: Forbidden: cannot be set on create']);
  const debug = structuredClone(base);
  (debug.spec as Record<string, unknown>).ephemeralContainers = [{ name: 'debug', image: 'busybox', targetContainerName: 'app', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }];
  assert.deepEqual(validateObject(r, debug, base), []);
  const bad = structuredClone(base);
  (bad.spec as Record<string, unknown>).ephemeralContainers = [{ name: 'app', image: 'busybox', targetContainerName: 'nope', ports: [{ containerPort: 80 }] }];
  assert.deepEqual(validateObject(r, bad, base).map(formatFieldError), [
    'spec.ephemeralContainers[0].name: Duplicate value: "app"',
    'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
    'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
  ]);
  const removed = structuredClone(base);
  assert.deepEqual(validateObject(r, removed, debug).map(formatFieldError), ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be removed\n']);
});
