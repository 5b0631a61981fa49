import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiStatusError, DecodeError, NetworkError, WatchStatusError, isGone } from './errors.js';
import { RestClient, resourcePath } from './rest-client.js';
import type { WatchEvent } from './types.js';

async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

test('resourcePath builds core and group paths', () => {
  assert.equal(resourcePath({ group: '', version: 'v1', resource: 'pods' }), '/api/v1/pods');
  assert.equal(resourcePath({ group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'p', subresource: 'status' }), '/api/v1/namespaces/ns/pods/p/status');
  assert.equal(resourcePath({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'a b' }), '/apis/apps/v1/namespaces/a%20b/deployments');
  assert.equal(resourcePath({ group: '', version: 'v1', resource: 'namespaces', name: 'x', subresource: 'finalize' }), '/api/v1/namespaces/x/finalize');
  assert.throws(() => resourcePath({ group: '', version: 'v1', resource: 'pods', subresource: 'log' }), TypeError);
});

test('requests carry token, user agent, content types and query; answers decode', async (t) => {
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const s = await serve((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Pod', metadata: { name: 'p' } }));
    });
  });
  t.after(() => s.close());
  const c = new RestClient({ server: s.url, token: 'sekret', userAgent: 'test-agent' });
  t.after(() => c.close());
  const got = await c.get('/api/v1/namespaces/d/pods/p');
  assert.equal(got.metadata.name, 'p');
  await c.list('/api/v1/pods', { labelSelector: 'a=b', limit: 5, continue: undefined });
  await c.patch('/api/v1/namespaces/d/pods/p', { metadata: { labels: { a: 'b' } } }, 'strategic');
  await c.delete('/api/v1/namespaces/d/pods/p', { gracePeriodSeconds: 0 });
  assert.equal(seen[0].headers.authorization, 'Bearer sekret');
  assert.equal(seen[0].headers['user-agent'], 'test-agent');
  assert.equal(seen[1].url, '/api/v1/pods?labelSelector=a%3Db&limit=5');
  assert.equal(seen[2].headers['content-type'], 'application/strategic-merge-patch+json');
  assert.deepEqual(JSON.parse(seen[2].body), { metadata: { labels: { a: 'b' } } });
  assert.equal(seen[3].method, 'DELETE');
  assert.deepEqual(JSON.parse(seen[3].body), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
});

test('a Status body becomes ApiStatusError with code, reason and message', async (t) => {
  const s = await serve((req, res) => {
    if (req.url === '/plain') {
      res.writeHead(503);
      return res.end('overloaded');
    }
    res.writeHead(409, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 409, reason: 'AlreadyExists', message: 'pods "p" already exists' }));
  });
  t.after(() => s.close());
  const c = new RestClient({ server: s.url });
  t.after(() => c.close());
  await assert.rejects(c.create('/api/v1/namespaces/d/pods', { metadata: { name: 'p' } }), (err: unknown) => {
    assert.ok(err instanceof ApiStatusError);
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'AlreadyExists');
    assert.equal(err.message, 'pods "p" already exists');
    return true;
  });
  await assert.rejects(c.get('/plain'), (err: unknown) => err instanceof ApiStatusError && err.code === 503 && err.reason === 'ServiceUnavailable' && err.message === 'overloaded');
});

test('an unreachable server is a NetworkError with the cause attached', async () => {
  const s = await serve((_req, res) => res.end());
  const url = s.url;
  await s.close();
  const c = new RestClient({ server: url });
  try {
    await assert.rejects(c.get('/api/v1/pods'), (err: unknown) => err instanceof NetworkError && (err.cause as NodeJS.ErrnoException).code === 'ECONNREFUSED');
  } finally {
    c.close();
  }
});

test('a body that is not JSON is a DecodeError', async (t) => {
  const s = await serve((_req, res) => res.end('{not json'));
  t.after(() => s.close());
  const c = new RestClient({ server: s.url });
  t.after(() => c.close());
  await assert.rejects(c.get('/x'), DecodeError);
});

test('watch reassembles events split across chunks, including a split UTF-8 character', async (t) => {
  const lines = [
    JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'ä-one', resourceVersion: '1' } } }),
    JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'two', resourceVersion: '2' } } }),
    JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '3' } } }),
  ];
  const bytes = Buffer.from(lines.join('\n') + '\n');
  let url = '';
  const s = await serve(async (req, res) => {
    url = req.url ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // Three bytes at a time splits lines and the two-byte 'ä' arbitrarily.
    for (let i = 0; i < bytes.length; i += 3) {
      res.write(bytes.subarray(i, i + 3));
      if (i % 30 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    res.end();
  });
  t.after(() => s.close());
  const c = new RestClient({ server: s.url });
  t.after(() => c.close());
  const events: WatchEvent[] = [];
  await c.watch('/api/v1/pods', { resourceVersion: '0' }, (e) => void events.push(e));
  assert.match(url, /watch=true/);
  assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name ?? '', e.object.metadata.resourceVersion]), [
    ['ADDED', 'ä-one', '1'],
    ['MODIFIED', 'two', '2'],
    ['BOOKMARK', '', '3'],
  ]);
});

test('an ERROR event rejects with WatchStatusError carrying the 410', async (t) => {
  const s = await serve((_req, res) => {
    res.writeHead(200);
    res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
    res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }) + '\n');
  });
  t.after(() => s.close());
  const c = new RestClient({ server: s.url });
  t.after(() => c.close());
  let n = 0;
  await assert.rejects(c.watch('/api/v1/pods', { resourceVersion: '5' }, () => void n++), (err: unknown) => {
    assert.ok(err instanceof WatchStatusError);
    assert.equal(err.code, 410);
    assert.ok(isGone(err));
    return true;
  });
  assert.equal(n, 1);
});

test('aborting a watch resolves quietly; a cut connection rejects with NetworkError', async (t) => {
  const s = await serve((req, res) => {
    res.writeHead(200);
    res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
    if (req.url?.startsWith('/cut')) setTimeout(() => res.socket?.destroy(), 20);
  });
  t.after(() => s.close());
  const c = new RestClient({ server: s.url });
  t.after(() => c.close());
  const ac = new AbortController();
  await c.watch('/api/v1/pods', {}, () => ac.abort(), ac.signal);
  await assert.rejects(c.watch('/cut', {}, () => {}), NetworkError);
});

test('429 with Retry-After is retried, up to maxRetries', async (t) => {
  let calls = 0;
  const s = await serve((req, res) => {
    calls++;
    if (req.url === '/always' || calls < 3) {
      res.writeHead(429, { 'Retry-After': '0', 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' }));
    }
    res.end(JSON.stringify({ metadata: { name: 'ok' } }));
  });
  t.after(() => s.close());
  const c = new RestClient({ server: s.url, maxRetries: 2 });
  t.after(() => c.close());
  assert.equal((await c.create('/x', {})).metadata.name, 'ok');
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(c.get('/always'), (e: unknown) => e instanceof ApiStatusError && e.code === 429 && e.reason === 'TooManyRequests');
  assert.equal(calls, 3, 'first try and two retries');
});
