import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CacheEvent, DeliveryBatch, decodeEntry, httpChunk } from './watch-events.js';

test('decodeEntry splices the resourceVersion into the usual head without re-serialising', () => {
  const value = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { x: 'y' } }, spec: { nodeName: 'n' } });
  const e = decodeEntry('/registry/pods/default/a', value, 42);
  assert.equal(e.obj.metadata.resourceVersion, '42');
  assert.deepEqual(JSON.parse(e.json), e.obj);
  assert.ok(e.json.startsWith('{"apiVersion":"v1","kind":"Pod","metadata":{"resourceVersion":"42","name":"a"'));
});

test('decodeEntry handles empty metadata, other key orders and a stored resourceVersion', () => {
  for (const obj of [
    { apiVersion: 'v1', kind: 'Pod', metadata: {} },
    { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'b' } },
    { spec: { template: { metadata: { name: 'inner' } } }, apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c', resourceVersion: '1' } },
    { apiVersion: 'v1', kind: 'Pod' },
  ]) {
    const e = decodeEntry('/k', JSON.stringify(obj), 7);
    const parsed = JSON.parse(e.json) as { metadata: Record<string, unknown>; spec?: unknown };
    assert.equal(parsed.metadata.resourceVersion, '7');
    assert.deepEqual(parsed, e.obj);
    assert.deepEqual(parsed.spec, (obj as { spec?: unknown }).spec);
  }
});

test('an event line and chunk are built once and framed as HTTP/1.1 chunks', () => {
  const e = decodeEntry('/k', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ü' } }), 3);
  const ev = new CacheEvent('MODIFIED', e, undefined);
  assert.equal(ev.line(), ev.line());
  assert.equal(ev.chunk(), ev.chunk());
  const line = ev.line('ADDED');
  assert.deepEqual(JSON.parse(line.toString()), { type: 'ADDED', object: e.obj });
  const chunk = ev.chunk('ADDED').toString('latin1');
  const [size, rest] = [chunk.slice(0, chunk.indexOf('\r\n')), chunk.slice(chunk.indexOf('\r\n') + 2)];
  assert.equal(parseInt(size, 16), line.length);
  assert.ok(rest.endsWith('\r\n'));
  assert.equal(rest.length, line.length + 2);
});

test('a batch of several events is one chunk holding every line in order', () => {
  const a = new CacheEvent('ADDED', decodeEntry('/a', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}', 1), undefined);
  const b = new CacheEvent('DELETED', decodeEntry('/b', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}', 2), undefined);
  const batch = new DeliveryBatch([{ type: 'ADDED', event: a }, { type: 'DELETED', event: b }]);
  assert.equal(batch.jsonChunk(), batch.jsonChunk());
  const body = Buffer.concat([a.line(), b.line()]);
  assert.deepEqual(batch.jsonChunk(), httpChunk([body]));
  assert.deepEqual(new DeliveryBatch([{ type: 'ADDED', event: a }]).jsonChunk(), a.chunk());
});
