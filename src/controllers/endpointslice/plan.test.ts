import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortGroup, SliceEndpoint } from './desired.js';
import { planSlices } from './plan.js';

const ports = [{ name: 'http', port: 80, protocol: 'TCP' }];
function ep(n: number, ready = true): SliceEndpoint {
  return { addresses: [`10.0.0.${n}`], conditions: { ready, serving: ready, terminating: false }, targetRef: { kind: 'Pod', namespace: 'ns', name: `p${n}`, uid: `u${n}` } };
}
const group = (eps: SliceEndpoint[]): Map<string, PortGroup> => new Map([[JSON.stringify(ports), { ports, endpoints: eps }]]);

test('endpoints stay in their slice; a change rewrites only that slice; new ones fill room first', () => {
  const existing = [
    { name: 's1', ports, endpoints: [ep(1), ep(2)] },
    { name: 's2', ports, endpoints: [ep(3)] },
  ];
  const plan = planSlices(group([ep(1), ep(2), ep(3, false), ep(4)]), existing, 3);
  assert.deepEqual(plan.keep, []);
  assert.deepEqual(plan.create, []);
  assert.deepEqual(plan.delete, []);
  assert.deepEqual(plan.update.map((u) => [u.name, u.endpoints.map((e) => e.targetRef!.name)]), [['s1', ['p1', 'p2', 'p4']], ['s2', ['p3']]]);
  const unchanged = planSlices(group([ep(1), ep(2), ep(3)]), existing, 3);
  assert.deepEqual(unchanged.keep, ['s1', 's2']);
  assert.equal(unchanged.update.length, 0);
});

test('emptied slices are deleted, overflow makes new slices, no endpoints leaves one placeholder', () => {
  const existing = [
    { name: 's1', ports, endpoints: [ep(1)] },
    { name: 's2', ports, endpoints: [ep(2)] },
  ];
  const p = planSlices(group([ep(1)]), existing, 2);
  assert.deepEqual(p.delete, ['s2']);
  assert.deepEqual(p.keep, ['s1']);
  const big = planSlices(group([1, 2, 3, 4, 5].map((n) => ep(n))), [], 2);
  assert.deepEqual(big.create.map((c) => c.endpoints.length), [2, 2, 1]);
  const none = planSlices(new Map(), existing, 2);
  assert.deepEqual(none.update, [{ name: 's1', ports: [], endpoints: [] }]);
  assert.deepEqual(none.delete, ['s2']);
  assert.deepEqual(planSlices(new Map(), [], 2).create, [{ ports: [], endpoints: [] }]);
});

test('an unnamed port the server stored with name "" is the same port: the slice is kept, not replaced', async () => {
  const { portsKey } = await import('./desired.js');
  const wanted = [{ port: 80, protocol: 'TCP' }];
  const stored = [{ name: '', port: 80, protocol: 'TCP' }];
  const groups = new Map([[portsKey(wanted), { ports: wanted, endpoints: [ep(1)] }]]);
  const plan = planSlices(groups, [{ name: 's1', ports: stored, endpoints: [ep(1)] }]);
  assert.deepEqual(plan, { create: [], update: [], keep: ['s1'], delete: [] });
});
