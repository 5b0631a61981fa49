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
