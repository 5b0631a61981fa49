import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePodCIDR, InvalidCIDRError, PodCIDRExhaustedError } from './pod-cidr.js';

test('allocatePodCIDR hands out the lowest free /24', () => {
  assert.equal(allocatePodCIDR([]), '10.42.0.0/24');
  assert.equal(allocatePodCIDR([{ spec: { podCIDR: '10.42.0.0/24' } }, { spec: {} }, { spec: { podCIDRs: ['10.42.2.0/24'] } }]), '10.42.1.0/24');
  assert.equal(allocatePodCIDR([{ spec: { podCIDR: '10.42.0.0/24' } }, { spec: { podCIDR: '10.42.1.0/24' } }]), '10.42.2.0/24');
  assert.equal(allocatePodCIDR([{ spec: { podCIDR: 'garbage' } }]), '10.42.0.0/24');
});

test('allocatePodCIDR reports exhaustion and bad CIDRs', () => {
  const nodes = [0, 1, 2, 3].map((i) => ({ spec: { podCIDR: `10.9.${i}.0/24` } }));
  assert.equal(allocatePodCIDR(nodes.slice(0, 3), '10.9.0.0/22'), '10.9.3.0/24');
  assert.throws(() => allocatePodCIDR(nodes, '10.9.0.0/22'), PodCIDRExhaustedError);
  assert.throws(() => allocatePodCIDR([], '10.9.0.0'), InvalidCIDRError);
  assert.throws(() => allocatePodCIDR([], '10.9.0.0/25'), InvalidCIDRError);
});

test('waitForPodCIDR resolves once the control plane set spec.podCIDR, and stops when aborted', async (t) => {
  const { RestClient } = await import('../../client/rest-client.js');
  const { coreResources, FakeApiServer } = await import('../../client/testing/fake-apiserver.js');
  const { waitForPodCIDR } = await import('./pod-cidr.js');
  const api = new FakeApiServer([...coreResources, { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false }]);
  const url = await api.start();
  t.after(() => api.stop());
  const client = new RestClient({ server: url });
  const waiting = waitForPodCIDR(client, 'n1', { pollMs: 20 });
  await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  await new Promise((r) => setTimeout(r, 60));
  await client.patch('/api/v1/nodes/n1', { spec: { podCIDR: '10.42.4.0/24', podCIDRs: ['10.42.4.0/24'] } }, 'merge');
  assert.equal(await waiting, '10.42.4.0/24');
  const ac = new AbortController();
  const never = waitForPodCIDR(client, 'n2', { pollMs: 20, signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  assert.equal(await never, undefined);
});
