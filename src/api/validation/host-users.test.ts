import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes } from '../resources.js';
import { applyDefaults } from '../defaults/index.js';
import { formatFieldError, validateObject } from './index.js';

const podType = resourceTypes.find((x) => x.group === '' && x.kind === 'Pod')!;
const check = (spec: Record<string, unknown>): string[] => {
  const o = { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
  applyDefaults(podType, o);
  return validateObject(podType, o).map(formatFieldError);
};

test('hostUsers false: allowed alone, forbidden beside host namespaces, with Kubernetes paths and text', () => {
  assert.deepEqual(check({ hostUsers: false }), []);
  assert.deepEqual(check({ hostUsers: true, hostNetwork: true, hostPID: true, hostIPC: true }), []);
  assert.deepEqual(check({ hostUsers: false, hostNetwork: true, hostPID: true, hostIPC: true }), [
    'spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false',
    'spec.HostPID: Forbidden: when `pod.Spec.HostUsers` is false',
    'spec.HostIPC: Forbidden: when `pod.Spec.HostUsers` is false',
  ]);
});

test('procMount Unmasked only with hostUsers false, in every kind of container', () => {
  const unmasked = { securityContext: { procMount: 'Unmasked' } };
  const spec = { initContainers: [{ name: 'i', image: 'busybox', ...unmasked }], containers: [{ name: 'c', image: 'busybox', ...unmasked }] };
  assert.deepEqual(check({ hostUsers: false, ...spec }), []);
  const msg = 'Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked`';
  assert.deepEqual(check(spec), [`spec.initContainers[0].securityContext.procMount: ${msg}`, `spec.containers[0].securityContext.procMount: ${msg}`]);
  assert.deepEqual(check({ hostUsers: true, containers: [{ name: 'c', image: 'busybox', securityContext: { procMount: 'Default' } }] }), []);
});
