import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, pathString } from './fieldset.js';

const example = { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } } };

test('FieldsV1 round trip and membership', () => {
  const s = FieldSet.fromFieldsV1(example);
  assert.deepEqual(s.toFieldsV1(), example);
  assert.equal(s.has(['f:metadata', 'f:labels', 'f:app']), true);
  assert.equal(s.has(['f:metadata', 'f:labels']), false); // a parent, not a member
  assert.equal(s.has(['f:spec', 'f:containers', 'k:{"name":"web"}']), true); // "." member
  assert.equal(s.hasAtOrBelow(['f:spec']), true);
  assert.equal(s.hasAtOrBelow(['f:status']), false);
  assert.deepEqual(s.paths(), [
    ['f:metadata', 'f:labels', 'f:app'],
    ['f:spec', 'f:containers', 'k:{"name":"web"}'],
    ['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'],
  ]);
});

test('set algebra', () => {
  const a = FieldSet.of([['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d']]);
  const b = FieldSet.of([['f:b', 'f:c'], ['f:e']]);
  assert.deepEqual(a.union(b).paths().length, 4);
  assert.deepEqual(a.intersection(b).paths(), [['f:b', 'f:c']]);
  assert.deepEqual(a.difference(b).paths(), [['f:a'], ['f:b', 'f:d']]);
  assert.deepEqual(a.recursiveDifference(FieldSet.of([['f:b']])).paths(), [['f:a']]);
  assert.equal(a.difference(a).isEmpty(), true);
  assert.deepEqual(a.difference(a).toFieldsV1(), {});
  assert.equal(a.equals(FieldSet.of([['f:b', 'f:d'], ['f:a'], ['f:b', 'f:c']])), true);
  assert.equal(a.equals(b), false);
});

test('FieldsV1 output is sorted as structured-merge-diff sorts it', () => {
  const s = FieldSet.of([['f:z'], ['f:ports', 'k:{"containerPort":8080}'], ['f:ports', 'k:{"containerPort":443}'], ['f:a'], ['f:f', 'v:"b"'], ['f:f', 'v:"a"']]);
  assert.deepEqual(Object.keys(s.toFieldsV1()), ['f:a', 'f:f', 'f:ports', 'f:z']);
  assert.deepEqual(Object.keys(s.toFieldsV1()['f:ports']), ['k:{"containerPort":443}', 'k:{"containerPort":8080}']);
  assert.deepEqual(Object.keys(s.toFieldsV1()['f:f']), ['v:"a"', 'v:"b"']);
});

test('malformed FieldsV1 is rejected', () => {
  assert.throws(() => FieldSet.fromFieldsV1([]), TypeError);
  assert.throws(() => FieldSet.fromFieldsV1({ 'x:y': {} }), /unknown path element/);
  assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), TypeError);
});

test('paths print like structured-merge-diff', () => {
  assert.equal(pathString(['f:spec', 'f:replicas']), '.spec.replicas');
  assert.equal(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), '.spec.containers[name="web"].image');
  assert.equal(pathString(['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']), '.ports[containerPort=80,protocol="TCP"]');
  assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
  assert.equal(pathString(['f:list', 'i:3']), '.list[3]');
});

test('set operations on trees agree with their definitions over member paths', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const els = ['f:a', 'f:b', 'k:{"name":"x"}', 'v:1', 'i:0'];
  const randomSet = () => {
    const paths: string[][] = [];
    for (let i = rand(12); i > 0; i--) paths.push(Array.from({ length: 1 + rand(4) }, () => els[rand(els.length)]));
    return { set: FieldSet.of(paths), paths };
  };
  const key = (ps: string[][]) => ps.map((p) => JSON.stringify(p)).sort();
  for (let round = 0; round < 300; round++) {
    const a = randomSet();
    const b = randomSet();
    const members = (s: FieldSet) => key(s.paths());
    const aPaths = a.set.paths();
    assert.deepEqual(members(a.set.difference(b.set)), key(aPaths.filter((p) => !b.set.has(p))));
    assert.deepEqual(members(a.set.intersection(b.set)), key(aPaths.filter((p) => b.set.has(p))));
    assert.deepEqual(members(a.set.recursiveDifference(b.set)), key(aPaths.filter((p) => !p.some((_, i) => b.set.has(p.slice(0, i + 1))))));
    assert.deepEqual(members(a.set.union(b.set)), key([...new Map([...aPaths, ...b.set.paths()].map((p) => [JSON.stringify(p), p])).values()]));
    assert.equal(a.set.equals(b.set), JSON.stringify(members(a.set)) === JSON.stringify(members(b.set)));
    assert.equal(a.set.equals(FieldSet.of(aPaths)), true);
    assert.equal(a.set.isEmpty(), aPaths.length === 0);
  }
});
