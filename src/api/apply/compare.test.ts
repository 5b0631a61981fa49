import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareObjects } from './compare.js';
import { rootNode } from '../patch/schema-walk.js';
import { deploymentCtx } from '../patch/test-schemas.js';
import type { JsonObject } from '../patch/json.js';

const root = rootNode(deploymentCtx);
const paths = (s: { paths(): string[][] }) => s.paths().map((p) => p.join('/'));

test('added, modified and removed fields', () => {
  const before: JsonObject = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'x', image: 'i' }, { name: 'y' }] } } } };
  const after: JsonObject = { metadata: { labels: { a: '1', c: '3' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'x', image: 'j' }, { name: 'z' }] } } } };
  const c = compareObjects(before, after, root);
  assert.deepEqual(paths(c.added), ['f:metadata/f:labels/f:c', 'f:spec/f:template/f:spec/f:containers/k:{"name":"z"}', 'f:spec/f:template/f:spec/f:containers/k:{"name":"z"}/f:name']);
  assert.deepEqual(paths(c.modified), ['f:spec/f:replicas', 'f:spec/f:template/f:spec/f:containers/k:{"name":"x"}/f:image']);
  assert.deepEqual(paths(c.removed), ['f:metadata/f:labels/f:b', 'f:spec/f:template/f:spec/f:containers/k:{"name":"y"}', 'f:spec/f:template/f:spec/f:containers/k:{"name":"y"}/f:name']);
});

test('atomic values compare whole; reordering a keyed list changes nothing', () => {
  const c = compareObjects(
    { spec: { selector: { matchLabels: { a: '1' } }, template: { spec: { containers: [{ name: 'x', args: ['1'] }, { name: 'y' }] } } } },
    { spec: { selector: { matchLabels: { a: '2' } }, template: { spec: { containers: [{ name: 'y' }, { name: 'x', args: ['2'] }] } } } },
    root,
  );
  assert.deepEqual(paths(c.modified), ['f:spec/f:selector', 'f:spec/f:template/f:spec/f:containers/k:{"name":"x"}/f:args']);
  assert.equal(c.added.isEmpty() && c.removed.isEmpty(), true);
});

test('new maps and optional lists count themselves; structs and required fields do not', () => {
  const c = compareObjects({}, { metadata: { labels: { a: '1' } }, spec: { template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: 1 }] }] } } } }, root);
  const added = paths(c.added);
  assert.ok(added.includes('f:metadata/f:labels'));
  assert.ok(added.includes('f:spec/f:template/f:spec/f:containers/k:{"name":"x"}/f:ports'));
  assert.ok(!added.includes('f:spec'));
  assert.ok(!added.includes('f:metadata'));
  assert.ok(!added.includes('f:spec/f:template/f:spec/f:containers')); // required in PodSpec
});

test('a type change is a modification of the field', () => {
  const c = compareObjects({ spec: { replicas: { odd: 1 } } }, { spec: { replicas: 3 } }, root);
  assert.deepEqual(paths(c.modified), ['f:spec/f:replicas']);
});
