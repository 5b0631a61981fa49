import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldRefValue, formatMap, goQuote, resourceFieldRefValue, DownwardApiError } from './downward.js';
import type { Pod } from '../types.js';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'prod', uid: 'u-1', labels: { tier: 'front', app: 'web' }, annotations: { note: 'say "hi"\nbye' } },
  spec: {
    nodeName: 'n1',
    containers: [
      { name: 'a', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } } },
      { name: 'b' },
    ],
  },
};

test('labels and annotations are key="value" lines sorted by key, Go-quoted', () => {
  assert.equal(fieldRefValue(pod, { fieldPath: 'metadata.labels' }), 'app="web"\ntier="front"');
  assert.equal(fieldRefValue(pod, { fieldPath: 'metadata.annotations' }), 'note="say \\"hi\\"\\nbye"');
  assert.equal(formatMap(undefined), '');
  assert.equal(goQuote('a\\b\u0001'), '"a\\\\b\\x01"');
});

test('plain fields and subscripts', () => {
  assert.equal(fieldRefValue(pod, { fieldPath: 'metadata.name' }), 'web');
  assert.equal(fieldRefValue(pod, { fieldPath: 'metadata.namespace' }), 'prod');
  assert.equal(fieldRefValue(pod, { fieldPath: 'metadata.uid' }), 'u-1');
  assert.equal(fieldRefValue(pod, { fieldPath: "metadata.labels['tier']" }), 'front');
  assert.equal(fieldRefValue(pod, { fieldPath: "metadata.annotations['none']" }), '');
  assert.throws(() => fieldRefValue(pod, { fieldPath: 'status.podIP' }), DownwardApiError);
});

test('resources with divisors round up', () => {
  assert.equal(resourceFieldRefValue(pod, { containerName: 'a', resource: 'limits.cpu' }), '1');
  assert.equal(resourceFieldRefValue(pod, { containerName: 'a', resource: 'limits.cpu', divisor: '1m' }), '500');
  assert.equal(resourceFieldRefValue(pod, { containerName: 'a', resource: 'requests.cpu', divisor: '1m' }), '250');
  assert.equal(resourceFieldRefValue(pod, { containerName: 'a', resource: 'limits.memory' }), String(64 * 1024 * 1024));
  assert.equal(resourceFieldRefValue(pod, { containerName: 'a', resource: 'limits.memory', divisor: '1Mi' }), '64');
  // requests default to limits
  assert.equal(resourceFieldRefValue(pod, { containerName: 'a', resource: 'requests.memory', divisor: '1Mi' }), '64');
  // no limit: node allocatable
  assert.equal(resourceFieldRefValue(pod, { containerName: 'b', resource: 'limits.cpu' }, { cpu: '4' }), '4');
  assert.equal(resourceFieldRefValue(pod, { containerName: 'b', resource: 'requests.cpu' }), '0');
  assert.throws(() => resourceFieldRefValue(pod, { containerName: 'zz', resource: 'limits.cpu' }), DownwardApiError);
  assert.throws(() => resourceFieldRefValue(pod, { containerName: 'a', resource: 'limits.gpu' }), DownwardApiError);
});
