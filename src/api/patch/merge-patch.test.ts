import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';

test('RFC 7386 examples', () => {
  // The examples of RFC 7386 appendix A.
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) {
    assert.deepEqual(applyMergePatch(target as never, patch as never), want, JSON.stringify({ target, patch }));
  }
});

test('does not modify its inputs or share structure with them', () => {
  const target = { spec: { a: { b: 1 } } };
  const patch = { spec: { c: { d: 2 } } };
  const out = applyMergePatch(target, patch) as { spec: { a: { b: number }; c: { d: number } } };
  out.spec.a.b = 9;
  out.spec.c.d = 9;
  assert.deepEqual(target, { spec: { a: { b: 1 } } });
  assert.deepEqual(patch, { spec: { c: { d: 2 } } });
});

test('"__proto__" keys are plain data, never prototypes', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"x": 1}}}');
  const out = applyMergePatch({}, patch) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__', 'a']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((out.a as Record<string, unknown>).x, undefined);
});
