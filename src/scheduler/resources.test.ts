import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podRequests, resourceFromList } from './resources.js';
import { pod } from './testing/fixtures.js';

test('podRequests: sum of containers, max with init containers, plus overhead', () => {
  const p = pod('a', {
    spec: {
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '100Mi' } } },
        { name: 'b', resources: { requests: { cpu: '200m', memory: '50Mi', 'example.com/gpu': '1' } } },
      ],
      initContainers: [{ name: 'i', resources: { requests: { cpu: '1', memory: '10Mi' } } }],
      overhead: { cpu: '10m' },
    },
  });
  const r = podRequests(p);
  assert.equal(r.milliCPU, 1010);
  assert.equal(r.memory, 150 * 1024 * 1024);
  assert.equal(r.scalar.get('example.com/gpu'), 1);
  assert.equal(r.pods, 1);
});

test('podRequests: sidecar init containers add to the sum and to later init containers', () => {
  const p = pod('a', {
    spec: {
      containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }],
      initContainers: [
        { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } },
        { name: 'init', resources: { requests: { cpu: '500m' } } },
      ],
    },
  });
  // max(100 + 300, 300 + 500)
  assert.equal(podRequests(p).milliCPU, 800);
});

test('podRequests nonZero: containers without requests count 100m and 200Mi', () => {
  const r = podRequests(pod('a'), true);
  assert.equal(r.milliCPU, 100);
  assert.equal(r.memory, 200 * 1024 * 1024);
  assert.equal(podRequests(pod('a')).milliCPU, 0);
});

test('resourceFromList parses quantities and keeps extended resources', () => {
  const r = resourceFromList({ cpu: '2500m', memory: '1Gi', pods: '110', 'nvidia.com/gpu': '2', 'hugepages-2Mi': '4Mi' });
  assert.equal(r.milliCPU, 2500);
  assert.equal(r.memory, 1024 ** 3);
  assert.equal(r.pods, 110);
  assert.equal(r.scalar.get('nvidia.com/gpu'), 2);
  assert.equal(r.scalar.get('hugepages-2Mi'), 4 * 1024 * 1024);
});
