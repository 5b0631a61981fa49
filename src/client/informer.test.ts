import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Informer } from './informer.js';
import { podsByNodeName } from './lister.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { until } from './testing/wait.js';
import type { KObject } from './types.js';

const pod = (ns: string, name: string, node = ''): KObject => ({ metadata: { namespace: ns, name }, spec: { nodeName: node } });

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const fake = new FakeApiServer();
  const url = await fake.start();
  const client = new RestClient({ server: url });
  const log: string[] = [];
  const informer = new Informer<KObject>({
    client,
    resource: { group: '', version: 'v1', resource: 'pods' },
    pageSize: 2,
    backoffInitialMs: 10,
    indexers: { node: podsByNodeName },
    log: { info: (m) => log.push(m), warn: (m) => log.push(m), error: (m) => log.push(m) },
  });
  const events: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => events.push(`add ${o.metadata.namespace}/${o.metadata.name}`),
    onUpdate: (a, b) => events.push(`update ${b.metadata.namespace}/${b.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o) => events.push(`delete ${o.metadata.namespace}/${o.metadata.name}`),
  });
  t.after(async () => {
    await informer.stop();
    client.close();
    await fake.stop();
  });
  return { fake, client, informer, events, log };
}

test('lists in pages, then follows the watch into the cache and handlers', async (t) => {
  const { fake, informer, events } = await setup(t);
  fake.put('pods', pod('a', 'p1', 'n1'));
  fake.put('pods', pod('a', 'p2', 'n2'));
  fake.put('pods', pod('b', 'p3', 'n1'));
  assert.equal(informer.hasSynced(), false);
  informer.start();
  assert.equal(await informer.waitForSync(), true);
  assert.equal(informer.hasSynced(), true);
  const lists = fake.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && !r.includes('watch='));
  assert.equal(lists.length, 2, 'three pods in pages of two');
  assert.match(lists[1], /continue=/);
  assert.equal(informer.lister.list().length, 3);
  assert.deepEqual([informer.lister.get('a', 'p1')?.kind, informer.lister.get('a', 'p1')?.apiVersion], ['Pod', 'v1'], 'type meta filled in from the list');
  assert.deepEqual(informer.lister.byIndex('node', 'n1').map((p) => p.metadata.name).sort(), ['p1', 'p3']);
  await until(() => fake.watcherCount() === 1, 'watch');
  const watchReq = fake.requests.find((r) => r.includes('watch=true'))!;
  assert.match(watchReq, /allowWatchBookmarks=true/);
  assert.match(watchReq, new RegExp(`resourceVersion=${informer.lastResourceVersion()}`));

  events.length = 0;
  fake.put('pods', pod('b', 'p4'));
  fake.put('pods', { ...pod('a', 'p1', 'n1'), metadata: { namespace: 'a', name: 'p1', labels: { x: 'y' } } });
  fake.remove('pods', 'a', 'p2');
  await until(() => events.length === 3, 'three events');
  assert.equal(events[0], 'add b/p4');
  assert.match(events[1], /^update a\/p1 \d+->\d+$/);
  assert.equal(events[2], 'delete a/p2');
  assert.equal(informer.lister.get('a', 'p1')?.metadata.labels?.x, 'y');
  assert.equal(informer.lister.get('a', 'p2'), undefined);
});

test('a cleanly ended watch resumes from the last resourceVersion without relisting', async (t) => {
  const { fake, informer, events } = await setup(t);
  informer.start();
  await informer.waitForSync();
  await until(() => fake.watcherCount() === 1, 'watch');
  fake.endWatches();
  await until(() => fake.watcherCount() === 1, 'second watch', 5000);
  fake.put('pods', pod('a', 'late'));
  await until(() => events.includes('add a/late'), 'event after rewatch');
  const lists = fake.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && !r.includes('watch='));
  assert.equal(lists.length, 1);
});

test('410 Gone on the watch forces a relist that reports what changed meanwhile', async (t) => {
  const { fake, informer, events, log } = await setup(t);
  fake.put('pods', pod('a', 'stays'));
  fake.put('pods', pod('a', 'goes'));
  informer.start();
  await informer.waitForSync();
  await until(() => fake.watcherCount() === 1, 'watch');
  // End the watch, then change things no watcher sees and compact them away: the
  // informer's re-watch from its old resourceVersion gets an ERROR 410 event.
  fake.endWatches();
  fake.remove('pods', 'a', 'goes');
  fake.put('pods', pod('a', 'new'));
  fake.compact();
  events.length = 0;
  await until(() => events.length >= 3, 'relist events');
  assert.ok(log.some((l) => l.includes('watch expired')), log.join('\n'));
  assert.deepEqual(events.filter((e) => !e.startsWith('update')).sort(), ['add a/new', 'delete a/goes']);
  assert.ok(events.some((e) => e.startsWith('update a/stays')), 'existing objects are re-reported after a relist');
  assert.deepEqual(informer.lister.list('a').map((p) => p.metadata.name).sort(), ['new', 'stays']);
  const lists = fake.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && !r.includes('watch='));
  assert.equal(lists.length, 2);
  await until(() => fake.watcherCount() === 1, 'watching again');
});

test('a broken watch connection leads to a back-off and a relist', async (t) => {
  const { fake, informer, events, log } = await setup(t);
  informer.start();
  await informer.waitForSync();
  await until(() => fake.watcherCount() === 1, 'watch');
  fake.breakWatches();
  fake.put('pods', pod('a', 'while-broken'));
  await until(() => events.includes('add a/while-broken'), 'relisted object');
  assert.ok(log.some((l) => /NetworkError.*relisting in 10 ms/.test(l)), log.join('\n'));
  const lists = fake.requests.filter((r) => r.startsWith('GET /api/v1/pods?') && !r.includes('watch='));
  assert.equal(lists.length, 2);
});

test('a failing list is retried with back-off until it succeeds', async (t) => {
  const { fake, informer } = await setup(t);
  let failures = 2;
  fake.intercept = (_req, res, url) => {
    if (url.pathname !== '/api/v1/pods' || url.searchParams.has('watch') || failures <= 0) return false;
    failures--;
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code: 500, reason: 'InternalError', message: 'storage down' }));
    return true;
  };
  informer.start();
  assert.equal(await informer.waitForSync(), true);
  assert.equal(failures, 0);
});

test('stop before sync makes waitForSync answer false', async (t) => {
  const { fake, informer } = await setup(t);
  fake.intercept = () => true; // never answer
  informer.start();
  const p = informer.waitForSync();
  await new Promise((r) => setTimeout(r, 20));
  await informer.stop();
  assert.equal(await p, false);
  fake.intercept = undefined;
});

test('resync re-reports every cached object as an update', async (t) => {
  const { FakeClock } = await import('./clock.js');
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  const clock = new FakeClock();
  const informer = new Informer<KObject>({ client, resource: { group: '', version: 'v1', resource: 'configmaps' }, resyncMs: 60_000, clock });
  t.after(async () => {
    await informer.stop();
    client.close();
    await fake.stop();
  });
  fake.put('configmaps', { metadata: { namespace: 'a', name: 'c1' } });
  fake.put('configmaps', { metadata: { namespace: 'b', name: 'c2' } });
  const updates: string[] = [];
  informer.addEventHandler({ onUpdate: (a, b) => a === b && updates.push(b.metadata.name!) });
  informer.start();
  await informer.waitForSync();
  clock.advance(59_999);
  assert.deepEqual(updates, []);
  clock.advance(1);
  assert.deepEqual(updates.sort(), ['c1', 'c2']);
  clock.advance(60_000);
  assert.equal(updates.length, 4, 'and again every period');
});

test('label and field selectors narrow both the list and the watch', async (t) => {
  const fake = new FakeApiServer();
  const client = new RestClient({ server: await fake.start() });
  const informer = new Informer<KObject>({ client, resource: { group: '', version: 'v1', resource: 'pods' }, labelSelector: 'app=web,!canary', fieldSelector: 'metadata.namespace!=kube-system' });
  t.after(async () => {
    await informer.stop();
    client.close();
    await fake.stop();
  });
  fake.put('pods', { metadata: { namespace: 'a', name: 'web1', labels: { app: 'web' } } });
  fake.put('pods', { metadata: { namespace: 'a', name: 'db', labels: { app: 'db' } } });
  fake.put('pods', { metadata: { namespace: 'a', name: 'canary', labels: { app: 'web', canary: 'true' } } });
  fake.put('pods', { metadata: { namespace: 'kube-system', name: 'sys', labels: { app: 'web' } } });
  informer.start();
  await informer.waitForSync();
  assert.deepEqual(informer.lister.list().map((p) => p.metadata.name), ['web1']);
  await until(() => fake.watcherCount() === 1, 'watch');
  fake.put('pods', { metadata: { namespace: 'b', name: 'db2', labels: { app: 'db' } } });
  fake.put('pods', { metadata: { namespace: 'b', name: 'web2', labels: { app: 'web' } } });
  await until(() => informer.lister.list().length === 2, 'web2 arrives');
  assert.deepEqual(informer.lister.list().map((p) => p.metadata.name).sort(), ['web1', 'web2']);
  assert.ok(fake.requests.some((r) => r.includes('labelSelector=app%3Dweb%2C%21canary') && r.includes('watch=true')));
});

test('a BOOKMARK moves the resourceVersion the next watch resumes from', async (t) => {
  const { fake, informer } = await setup(t);
  let watches = 0;
  fake.intercept = (_req, res, url) => {
    if (url.searchParams.get('watch') !== 'true') return false;
    watches++;
    if (watches > 1) return false;
    res.writeHead(200);
    res.end(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '9999' } } }) + '\n');
    return true;
  };
  informer.start();
  await informer.waitForSync();
  await until(() => watches >= 2, 'second watch');
  const second = fake.requests.filter((r) => r.includes('watch=true'))[1];
  assert.match(second, /resourceVersion=9999/);
  assert.equal(informer.lister.list().length, 0, 'bookmarks carry no object');
});

test('an expired continue token falls back to one unpaged list', async (t) => {
  const { fake, informer } = await setup(t);
  for (let i = 0; i < 5; i++) fake.put('pods', pod('a', `p${i}`));
  let pages = 0;
  fake.intercept = (_req, res, url) => {
    if (url.pathname !== '/api/v1/pods' || url.searchParams.has('watch') || !url.searchParams.has('continue')) return false;
    if (++pages > 1) return false;
    res.writeHead(410, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired', message: 'The provided continue parameter is too old' }));
    return true;
  };
  informer.start();
  await informer.waitForSync();
  assert.equal(informer.lister.list().length, 5);
  const lists = fake.requests.filter((r) => r.startsWith('GET /api/v1/pods') && !r.includes('watch='));
  assert.ok(lists.some((r) => !r.includes('limit=')), 'one list without a limit');
});
