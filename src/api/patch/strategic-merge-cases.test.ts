// Behaviours apimachinery's strategic merge patch is known for, on a small generic type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge.js';
import type { SchemaContext } from './schema-walk.js';
import type { JsonObject } from './json.js';

const ctx: SchemaContext = {
  definition: 'Item',
  source: {
    definitionFor: () => 'Item',
    definitions: {
      Item: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          value: { type: 'string' },
          other: { type: 'string' },
          mergingList: { type: 'array', items: { $ref: '#/definitions/Item' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
          mergingIntList: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-patch-strategy': 'merge' },
          nonMergingIntList: { type: 'array', items: { type: 'integer' } },
        },
      },
    },
  },
};
const smp = (o: unknown, p: unknown) => applyStrategicMergePatch(o as JsonObject, p, ctx);
const names = (o: JsonObject) => (o.mergingList as JsonObject[]).map((i) => i.name);

test('deleting a key removes every duplicate of it', () => {
  const out = smp({ mergingList: [{ name: '1' }, { name: '1' }, { name: '2', value: 'a' }, { name: '3' }, { name: '3' }] }, {
    mergingList: [{ name: '1', $patch: 'delete' }, { name: '3', $patch: 'delete' }],
  });
  assert.deepEqual(out.mergingList, [{ name: '2', value: 'a' }]);
});

test('patch order wins for patched items; untouched items keep their place before them', () => {
  const out = smp({ mergingList: [{ name: '1' }, { name: '2', value: 'b' }, { name: '3' }] }, { mergingList: [{ name: '3', value: 'c' }, { name: '1', value: 'a' }] });
  assert.deepEqual(out.mergingList, [{ name: '2', value: 'b' }, { name: '3', value: 'c' }, { name: '1', value: 'a' }]);
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] }).mergingIntList, [2, 3, 1]);
  assert.deepEqual(smp({ mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1, 2] }).mergingIntList, [3, 1, 2]);
});

test('$setElementOrder may name items that exist nowhere', () => {
  const out = smp({ mergingList: [{ name: '1' }, { name: '3' }] }, {
    '$setElementOrder/mergingList': [{ name: '3' }, { name: '2' }, { name: '1' }],
    mergingList: [{ name: '3', value: '3' }, { name: '1', value: '1' }],
  });
  assert.deepEqual(out.mergingList, [{ name: '3', value: '3' }, { name: '1', value: '1' }]);
  assert.deepEqual(smp({ mergingIntList: [1, 3] }, { '$setElementOrder/mergingIntList': [3, 2, 1] }).mergingIntList, [3, 1]);
});

test('three-way patches keep server-only items after the ordered ones', () => {
  const out = smp({ mergingList: [{ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }] }, {
    '$setElementOrder/mergingList': [{ name: '4' }, { name: '1' }, { name: '2' }, { name: '3' }],
    mergingList: [{ name: '4', value: '4' }, { name: '3', value: '3' }],
  });
  assert.deepEqual(names(out), ['4', '1', '2', '3']);
  const ints = smp({ mergingIntList: [1, 2, 3, 4] }, { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] });
  assert.deepEqual(ints.mergingIntList, [1, 2, 4]);
  const hello = smp({ name: 'hi', mergingList: [{ name: 'hello2' }] }, {
    '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }],
    mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }],
  });
  assert.deepEqual(names(hello), ['hello', 'hello2']);
});

test('$deleteFromPrimitiveList never adds, and works on lists without merge strategy', () => {
  assert.deepEqual(smp({ mergingIntList: [1, 2] }, { '$deleteFromPrimitiveList/mergingIntList': [3] }), { mergingIntList: [1, 2] });
  assert.deepEqual(smp({ other: 'x' }, { '$deleteFromPrimitiveList/mergingIntList': [3] }), { other: 'x' });
  assert.deepEqual(smp({ nonMergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/nonMergingIntList': [2] }), { nonMergingIntList: [1, 3] });
});

test('recursive types merge at every level', () => {
  const out = smp({ mergingList: [{ name: 'a', mergingList: [{ name: 'x', value: '1' }] }] }, { mergingList: [{ name: 'a', mergingList: [{ name: 'x', other: '2' }, { name: 'y' }] }] });
  assert.deepEqual(out.mergingList, [{ name: 'a', mergingList: [{ name: 'x', value: '1', other: '2' }, { name: 'y' }] }]);
});

test('empty and replaced lists', () => {
  assert.deepEqual(smp({ mergingList: [{ name: '1' }, { name: '2' }] }, { mergingList: [{ $patch: 'replace' }] }), { mergingList: [] });
  assert.deepEqual(smp({ mergingList: [] }, { mergingList: [] }), { mergingList: [] });
  assert.deepEqual(smp({ name: '1', value: '1' }, { other: 'a', $patch: 'replace' }), { other: 'a' });
});
