import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cache, podsByNodeName, UnknownIndexError } from './lister.js';
import type { KObject } from './types.js';

const pod = (ns: string, name: string, node?: string): KObject => ({ metadata: { namespace: ns, name }, spec: { nodeName: node } });

test('cache lists by namespace, gets by name and keeps named indexes current', () => {
  const c = new Cache<KObject>({ byNode: podsByNodeName });
  c.set(pod('a', 'p1', 'n1'));
  c.set(pod('a', 'p2', 'n2'));
  c.set(pod('b', 'p3', 'n1'));
  assert.equal(c.list().length, 3);
  assert.deepEqual(c.list('a').map((p) => p.metadata.name).sort(), ['p1', 'p2']);
  assert.equal(c.get('b', 'p3')?.metadata.name, 'p3');
  assert.deepEqual(c.byIndex('byNode', 'n1').map((p) => p.metadata.name).sort(), ['p1', 'p3']);
  c.set(pod('a', 'p1', 'n2'));
  assert.deepEqual(c.byIndex('byNode', 'n1').map((p) => p.metadata.name), ['p3'], 'moved off n1');
  assert.equal(c.byIndex('byNode', 'n2').length, 2);
  c.delete('b/p3');
  assert.deepEqual(c.byIndex('byNode', 'n1'), []);
  assert.deepEqual(c.list('b'), []);
  assert.throws(() => c.byIndex('nope', 'x'), UnknownIndexError);
});

test('cluster-scoped objects are keyed by name alone', () => {
  const c = new Cache<KObject>();
  c.set({ metadata: { name: 'node1' } });
  assert.equal(c.get('', 'node1')?.metadata.name, 'node1');
  assert.deepEqual(c.keys(), ['node1']);
});
