import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpChunk } from '../watch-events.js';
import { WatchStream } from './watch-stream.js';

function get(port: number, agent: Agent, path: string): Promise<{ body: string; socketPort: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ body: Buffer.concat(chunks).toString(), socketPort: req.socket?.localPort }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('framed chunks written to the socket make a valid chunked body, and the connection stays usable', async (t) => {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const s = new WatchStream(res);
    const one = Buffer.from('{"n":1}\n');
    s.writeFramed(httpChunk([one]), () => one);
    s.writeLines([Buffer.from('{"n":2}\n'), Buffer.from('{"n":3}\n')]);
    s.end(Buffer.from(`{"path":${JSON.stringify(req.url)}}\n`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => { agent.destroy(); server.close(); });
  const { port } = server.address() as AddressInfo;
  const first = await get(port, agent, '/a');
  const second = await get(port, agent, '/b');
  assert.equal(first.body, '{"n":1}\n{"n":2}\n{"n":3}\n{"path":"/a"}\n');
  assert.equal(second.body, '{"n":1}\n{"n":2}\n{"n":3}\n{"path":"/b"}\n');
  assert.equal(first.socketPort, second.socketPort, 'the keep-alive connection was reused after the stream ended');
});
