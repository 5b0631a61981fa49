import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiStatusError } from './errors.js';
import { InProcessTransport } from './in-process-transport.js';
import { RestClient } from './rest-client.js';
import type { WatchEvent } from './types.js';

test('the in-process transport carries requests, errors and watch streams through a handler', async (t) => {
  const seen: string[] = [];
  let watchClosed = false;
  const transport = new InProcessTransport((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      if (req.url?.includes('watch=true')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
        res.on('close', () => (watchClosed = true));
        return;
      }
      if (req.url === '/missing') {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: 'nope' }));
      }
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ metadata: { name: 'made' } }));
    });
  });
  const c = new RestClient({ transport });
  t.after(() => c.close());
  const made = await c.create('/api/v1/namespaces', { metadata: { name: 'x' } });
  assert.equal(made.metadata.name, 'made');
  assert.equal(seen[0], 'POST /api/v1/namespaces {"metadata":{"name":"x"}}');
  await assert.rejects(c.get('/missing'), (e: unknown) => e instanceof ApiStatusError && e.code === 404 && e.message === 'nope');
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  await c.watch('/api/v1/pods', {}, (e) => {
    events.push(e);
    ac.abort();
  }, ac.signal);
  assert.equal(events[0].object.metadata.name, 'a');
  for (let i = 0; i < 50 && !watchClosed; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(watchClosed, true, 'aborting the watch closes the server side');
});

test('an informer runs over the in-process transport: list, watch, relist on 410', async (t) => {
  const { FakeApiServer } = await import('./testing/fake-apiserver.js');
  const { Informer } = await import('./informer.js');
  const { until } = await import('./testing/wait.js');
  const fake = new FakeApiServer();
  const c = new RestClient({ transport: new InProcessTransport(fake.handler) });
  const inf = new Informer({ client: c, resource: { group: '', version: 'v1', resource: 'configmaps' }, backoffInitialMs: 10 });
  t.after(async () => {
    await inf.stop();
    c.close();
    await fake.stop();
  });
  fake.put('configmaps', { metadata: { namespace: 'a', name: 'one' } });
  inf.start();
  await inf.waitForSync();
  await until(() => fake.watcherCount() === 1, 'watching');
  fake.put('configmaps', { metadata: { namespace: 'a', name: 'two' } });
  await until(() => inf.lister.list().length === 2, 'watch event applied');
  fake.endWatches();
  fake.put('configmaps', { metadata: { namespace: 'a', name: 'three' } });
  fake.compact();
  await until(() => inf.lister.list().length === 3, 'relisted after 410');
  assert.deepEqual(inf.lister.list('a').map((o) => o.metadata.name).sort(), ['one', 'three', 'two']);
});
