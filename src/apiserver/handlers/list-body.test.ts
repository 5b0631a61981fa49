import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResourceRegistry } from '../../api/resources.js';
import { builtinSeams } from '../builtin/index.js';
import { decodeEntry } from '../watch-events.js';
import type { RequestScope, ServerContext } from './context.js';
import { jsonListPieces, sendPieces, tableListPieces } from './list-body.js';
import { table } from './render.js';

const registry = new ResourceRegistry();
const pods = registry.lookup('', 'v1', 'pods')!;
const now = new Date('2026-12-01T12:00:00Z');
const ctx = { registry, seams: builtinSeams(), now: () => now } as unknown as ServerContext;

function scope(view: 'object' | 'table', query = ''): RequestScope {
  return { r: pods, query: new URLSearchParams(query), out: { view, viewVersion: 'v1', yaml: false }, warnings: [] } as unknown as RequestScope;
}

const entries = Array.from({ length: 3 }, (_, i) => decodeEntry(`/registry/pods/default/p${i}`, JSON.stringify({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `p${i}`, namespace: 'default', creationTimestamp: '2026-12-01T11:00:00Z', labels: { i: String(i) } },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Running', podIP: `10.42.0.${i}`, containerStatuses: [{ name: 'c', ready: true, restartCount: i, state: { running: {} } }] },
}), 10 + i));
const meta = { resourceVersion: '12', continue: 'abc', remainingItemCount: 5 };

test('a JSON list is the concatenation of the cached bytes and parses to the list', () => {
  const pieces = jsonListPieces(ctx, scope('object'), entries, meta);
  assert.equal(pieces[1], entries[0].bytes, 'the cached bytes themselves, not a copy');
  assert.deepEqual(JSON.parse(Buffer.concat(pieces).toString()), {
    kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '12', continue: 'abc', remainingItemCount: 5 }, items: entries.map((e) => e.obj),
  });
  assert.deepEqual(JSON.parse(Buffer.concat(jsonListPieces(ctx, scope('object'), [], { resourceVersion: '1' })).toString()).items, []);
});

test('a Table assembled row by row equals the Table built as one object, for every includeObject', () => {
  for (const q of ['', 'includeObject=None', 'includeObject=Metadata', 'includeObject=Object']) {
    const s = scope('table', q);
    const built = Buffer.concat(tableListPieces(ctx, s, entries, meta)).toString();
    const expected = table(ctx, s, entries.map((e) => e.obj), { resourceVersion: '12', continue: 'abc', remainingItemCount: 5 });
    assert.deepEqual(JSON.parse(built), JSON.parse(JSON.stringify(expected)), q);
  }
});

test('sendPieces sends a body larger than one slice whole, with its Content-Length', async (t) => {
  const big = Array.from({ length: 2000 }, (_, i) => Buffer.from(`"${String(i).padStart(400, 'x')}"`));
  const pieces = [Buffer.from('['), ...big.flatMap((b, i) => (i ? [Buffer.from(','), b] : [b])), Buffer.from(']')];
  const server = createServer((req, res) => {
    void sendPieces({ res, warnings: [] } as unknown as RequestScope, pieces);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const { length, body } = await new Promise<{ length: string | undefined; body: string }>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ length: res.headers['content-length'], body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
  const parsed = JSON.parse(body) as string[];
  assert.equal(parsed.length, 2000);
  assert.equal(Number(length), Buffer.byteLength(body));
});
