import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSelector, LabelSelector } from './label-selector.js';
import { formatLabelSelector, labelSelectorFromObject, labelSelectorFromSet } from './label-selector-object.js';
import { SelectorParseError } from './errors.js';

test('parses every operator and matches as apimachinery does', () => {
  const sel = parseLabelSelector('a=b,c!=d,e in (x,y),f notin (z),g,!h,i==j');
  const labels = { a: 'b', e: 'y', g: '', i: 'j' };
  assert.equal(sel.matches(labels), true);
  assert.equal(sel.matches({ ...labels, c: 'd' }), false); // != fails on an equal value
  assert.equal(sel.matches({ ...labels, c: 'other' }), true);
  assert.equal(sel.matches({ ...labels, f: 'z' }), false);
  assert.equal(sel.matches({ ...labels, h: 'x' }), false);
  assert.equal(sel.matches({ a: 'b', e: 'y', i: 'j' }), false); // g must exist
  assert.equal(sel.matches({ ...labels, e: 'q' }), false);
  assert.equal(sel.matches(undefined), false);
});

test('negative operators match objects without the label', () => {
  assert.equal(parseLabelSelector('env!=prod').matches({}), true);
  assert.equal(parseLabelSelector('env notin (prod)').matches(null), true);
  assert.equal(parseLabelSelector('!env').matches({}), true);
});

test('the empty selector matches everything; requirements are sorted and printed canonically', () => {
  assert.equal(parseLabelSelector('').empty(), true);
  assert.equal(parseLabelSelector('   ').matches({}), true);
  const sel = parseLabelSelector('z in (b,a,a), a = 1 ,!m,k,x>5');
  assert.equal(sel.toString(), 'a=1,k,!m,x>5,z in (a,b)');
  assert.deepEqual(sel.requirements.map((r) => r.key), ['a', 'k', 'm', 'x', 'z']);
});

test('keywords and empty values', () => {
  // `in` is a fine key and value; `x in ()` and `x=` select the empty value.
  assert.equal(parseLabelSelector('in in (in,notin)').matches({ in: 'notin' }), true);
  assert.equal(parseLabelSelector('x in ()').matches({ x: '' }), true);
  assert.equal(parseLabelSelector('x in (,a)').matches({ x: '' }), true);
  assert.equal(parseLabelSelector('x=').matches({ x: '' }), true);
  assert.equal(parseLabelSelector('x=,y').matches({ x: '', y: 'q' }), true);
  assert.equal(parseLabelSelector('example.com/app=web').matches({ 'example.com/app': 'web' }), true);
});

test('gt and lt compare integers and never match non-integers', () => {
  const sel = parseLabelSelector('n>5,m<10');
  assert.equal(sel.matches({ n: '6', m: '9' }), true);
  assert.equal(sel.matches({ n: '5', m: '9' }), false);
  assert.equal(sel.matches({ n: 'six', m: '9' }), false);
  assert.equal(sel.matches({ m: '9' }), false);
});

function parseError(s: string, re: RegExp): void {
  assert.throws(() => parseLabelSelector(s), (err: unknown) => {
    assert.ok(err instanceof SelectorParseError);
    assert.equal(err.name, 'SelectorParseError');
    assert.equal(err.selector, s);
    assert.match(err.message, re);
    return true;
  });
}

test('syntax errors use apimachinery wording', () => {
  parseError('a=b,', /found '', expected: identifier after ','/);
  parseError('a=b c', /found 'c', expected: ',' or 'end of string'/);
  parseError(',a', /found ',', expected: !, identifier, or 'end of string'/);
  parseError('a in b', /unable to parse requirement: found 'b' expected: '\('/);
  parseError('a in (b', /found '', expected: ',' or '\)'/);
  parseError('a (b)', /found '\(', expected: in, notin, =, ==, !=, gt, lt/);
  parseError('a=(b)', /found '\(', expected: identifier/);
  parseError('!a=b', /found '=', expected: ',' or 'end of string'/);
  parseError('x>a', /the value must be an integer/);
});

test('invalid keys and values are rejected with validation messages', () => {
  parseError('-a=b', /unable to parse requirement: key: Invalid value: "-a": name part must consist of alphanumeric/);
  parseError('a=-b', /values\[0\]\[a\]: Invalid value: "-b": a valid label must be an empty string/);
  parseError(`a=${'x'.repeat(64)}`, /must be no more than 63 characters/);
  parseError('Bad_Prefix/a=b', /prefix part a lowercase RFC 1123 subdomain/);
  parseError('a/b/c', /a qualified name must consist/);
});

test('metav1.LabelSelector objects', () => {
  const sel = labelSelectorFromObject({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'back'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(sel.matches({ app: 'web', tier: 'front', team: 'a' }), true);
  assert.equal(sel.matches({ app: 'web', tier: 'front', team: 'a', env: 'prod' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'front', team: 'a', legacy: '1' }), false);
  assert.equal(sel.matches({ app: 'web', tier: 'mid', team: 'a' }), false);
  assert.equal(sel.toString(), 'app=web,env notin (prod),!legacy,team,tier in (back,front)');
  // null matches nothing; empty matches everything.
  assert.equal(labelSelectorFromObject(null).matches({}), false);
  assert.equal(labelSelectorFromObject({}).matches({ any: 'x' }), true);
  assert.ok(labelSelectorFromObject({}) instanceof LabelSelector);
  assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), /"Gt" is not a valid label selector operator/);
  assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values set can't be empty/);
  assert.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), /values set must be empty/);
});

test('selectors from label sets and printed selectors', () => {
  const sel = labelSelectorFromSet({ app: 'web', tier: 'front' });
  assert.equal(sel.matches({ app: 'web', tier: 'front', extra: 'x' }), true);
  assert.equal(sel.matches({ app: 'web' }), false);
  assert.equal(labelSelectorFromSet(undefined).empty(), true);
  assert.throws(() => labelSelectorFromSet({ 'bad key': 'x' }), SelectorParseError);
  assert.equal(formatLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['a'] }] }), 'app=web,env in (a)');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector(null), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
});
