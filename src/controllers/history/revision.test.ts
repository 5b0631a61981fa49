import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations } from './expectations.js';
import { FakeClock } from '../../client/clock.js';
import { scaledValue } from './intstr.js';
import { ensureRevision, fnv32a, revisionData, stableStringify, templateHash, templateOf, truncateHistory, type ControllerRevision } from './revision.js';
import { RecordingApi } from './testing.js';

const owner = { metadata: { name: 'ds', namespace: 'ns', uid: 'owner-uid' } };

test('hashes are stable under key order, change with the template and the collision count', () => {
  assert.equal(fnv32a(''), 0x811c9dc5);
  assert.equal(fnv32a('a'), 0xe40c292c);
  const a = templateHash({ spec: { x: 1, y: 2 } });
  assert.equal(a, templateHash({ spec: { y: 2, x: 1 } }));
  assert.notEqual(a, templateHash({ spec: { x: 1, y: 3 } }));
  assert.notEqual(a, templateHash({ spec: { x: 1, y: 2 } }, 1));
  assert.match(a, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(stableStringify({ b: [1, { d: 1, c: 2 }], a: undefined }), '{"b":[1,{"c":2,"d":1}]}');
});

test('ensureRevision creates the next revision, reuses an equal one, renumbers an old one', async () => {
  const api = new RecordingApi();
  const t1 = { metadata: { labels: { app: 'x' } }, spec: { image: '1' } };
  const t2 = { metadata: { labels: { app: 'x' } }, spec: { image: '2' } };
  const r1 = await ensureRevision({ client: api.client, owner, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', template: t1, revisions: [], collisionCount: 0 });
  assert.equal(r1.revision.revision, 1);
  assert.equal(r1.revision.metadata.name, `ds-${r1.hash}`);
  assert.equal(r1.revision.metadata.labels?.['controller-revision-hash'], r1.hash);
  assert.deepEqual(templateOf(r1.revision), t1);
  const again = await ensureRevision({ client: api.client, owner, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', template: t1, revisions: [r1.revision], collisionCount: 0 });
  assert.equal(again.revision.metadata.name, r1.revision.metadata.name);
  assert.equal(api.count('POST'), 1);
  const r2 = await ensureRevision({ client: api.client, owner, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', template: t2, revisions: [r1.revision], collisionCount: 0 });
  assert.equal(r2.revision.revision, 2);
  // Back to t1: its revision becomes number 3.
  const back = await ensureRevision({ client: api.client, owner, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', template: t1, revisions: [r1.revision, r2.revision], collisionCount: 0 });
  assert.equal(back.revision.metadata.name, r1.revision.metadata.name);
  assert.equal(back.revision.revision, 3);
});

test('a name taken by someone else bumps the collision count', async () => {
  const api = new RecordingApi();
  const t = { spec: { image: '1' } };
  const taken: ControllerRevision = { metadata: { name: `ds-${templateHash(t)}`, namespace: 'ns', ownerReferences: [{ uid: 'other', controller: true, kind: 'DaemonSet', name: 'x' }] }, data: revisionData({ other: true }), revision: 1 };
  api.objects.set(`/apis/apps/v1/namespaces/ns/controllerrevisions/${taken.metadata.name}`, taken);
  const r = await ensureRevision({ client: api.client, owner, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', template: t, revisions: [], collisionCount: 0 });
  assert.equal(r.collisionCount, 1);
  assert.equal(r.hash, templateHash(t, 1));
});

test('truncateHistory keeps the newest and every live revision', async () => {
  const api = new RecordingApi();
  const revs = [1, 2, 3, 4].map((n) => ({ metadata: { name: `r${n}`, namespace: 'ns' }, revision: n }));
  await truncateHistory(api.client, revs, new Set(['r1']), 1);
  assert.deepEqual(api.writes, ['DELETE /apis/apps/v1/namespaces/ns/controllerrevisions/r2', 'DELETE /apis/apps/v1/namespaces/ns/controllerrevisions/r3']);
});

test('expectations hold until observed, or five minutes pass', () => {
  const clock = new FakeClock();
  const e = new Expectations(clock);
  e.expectAdd('k', 'p1');
  e.expectDelete('k', 'p2');
  assert.equal(e.satisfied('k'), false);
  e.observeAdd('k', 'p1');
  e.observeDelete('k', 'p2');
  assert.equal(e.satisfied('k'), true);
  e.expectAdd('k', 'p3');
  clock.advance(5 * 60_000 + 1);
  assert.equal(e.satisfied('k'), true);
});

test('IntOrString percentages round as asked', () => {
  assert.equal(scaledValue('25%', 10, true, 1), 3);
  assert.equal(scaledValue('25%', 10, false, 1), 2);
  assert.equal(scaledValue(undefined, 10, true, 1), 1);
  assert.equal(scaledValue(4, 10, true, 1), 4);
  assert.throws(() => scaledValue('x', 10, true, 1));
});
