import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:https';
import type { Duplex } from 'node:stream';
import { StreamingServer } from '../streaming-server.js';
import { makePki, makePod } from '../testing/fixtures.js';
import { spdyDictionary } from './dictionary.js';
import { FlagFin, FrameType, HeaderCodec, controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, parseFrames, type Frame } from './frames.js';

test('the SPDY/3 dictionary is the 1423 bytes of the spec', () => {
  assert.equal(spdyDictionary.length, 1423);
  assert.equal(createHash('sha256').update(spdyDictionary).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
});

test('frames and header blocks round-trip; header contexts span blocks', async () => {
  const c = controlFrame(FrameType.Ping, 0, Buffer.from([0, 0, 0, 7]));
  const d = dataFrame(3, FlagFin, Buffer.from('hi'));
  const { frames, rest } = parseFrames(Buffer.concat([c, d, d.subarray(0, 5)]));
  assert.equal(rest.length, 5);
  assert.deepEqual(frames.map((f) => (f.control ? ['c', f.type] : ['d', f.streamId, f.flags, f.payload.toString()])), [['c', FrameType.Ping], ['d', 3, FlagFin, 'hi']]);
  assert.deepEqual(decodeHeaderBlock(encodeHeaderBlock({ StreamType: 'stdout', port: '80' })), { streamtype: 'stdout', port: '80' });
  const a = new HeaderCodec();
  const b = new HeaderCodec();
  // a compresses, b decompresses: b's inflater must follow a's deflater block after block.
  const [x, y] = [await a.encode({ streamtype: 'error' }), await a.encode({ streamtype: 'stdout' })];
  assert.deepEqual(await b.decode(x), { streamtype: 'error' });
  assert.deepEqual(await b.decode(y), { streamtype: 'stdout' });
  a.close();
  b.close();
});

test('exec over SPDY/3.1 with v4.channel.k8s.io: streams, output, Status, GOAWAY', async (t) => {
  const pki = await makePki();
  const pod = await makePod();
  t.after(() => pod.cleanup());
  const server = new StreamingServer({ locator: pod.locator, runtime: pod.runtime, cert: pki.node.certPem, key: pki.node.keyPem, ca: pki.ca.certPem, port: 0, host: '127.0.0.1' });
  await server.start();
  t.after(() => server.stop());
  const { socket, protocol } = await new Promise<{ socket: Duplex; protocol: string }>((resolve, reject) => {
    const req = request(`https://127.0.0.1:${server.port}/exec/default/web/app?command=echo&command=spdy&output=1&error=1`, {
      ca: pki.ca.certPem, cert: pki.apiClient.certPem, key: pki.apiClient.keyPem, method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' },
    });
    req.on('upgrade', (res, s) => resolve({ socket: s, protocol: String(res.headers['x-stream-protocol-version']) }));
    req.on('response', (res) => reject(new Error(`HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
  t.after(() => socket.destroy());
  assert.equal(protocol, 'v4.channel.k8s.io');
  const codec = new HeaderCodec();
  t.after(() => codec.close());
  const syn = async (id: number, type: string) => {
    const head = Buffer.alloc(10);
    head.writeUInt32BE(id, 0);
    return controlFrame(FrameType.SynStream, 0, Buffer.concat([head, await codec.encode({ streamtype: type })]));
  };
  socket.write(await syn(1, 'error'));
  socket.write(await syn(3, 'stdout'));
  socket.write(await syn(5, 'stderr'));
  const got: Frame[] = [];
  let buf = Buffer.alloc(0);
  await new Promise<void>((resolve) => {
    socket.on('data', (c: Buffer) => {
      const r = parseFrames(Buffer.concat([buf, c]));
      buf = Buffer.from(r.rest);
      got.push(...r.frames);
      if (got.some((f) => f.control && f.type === FrameType.GoAway)) resolve();
    });
    socket.on('close', () => resolve());
  });
  const replies = got.filter((f) => f.control && f.type === FrameType.SynReply).map((f) => f.payload.readUInt32BE(0));
  assert.deepEqual(replies.sort(), [1, 3, 5]);
  const text = (id: number) => Buffer.concat(got.filter((f): f is Extract<Frame, { control: false }> => !f.control && f.streamId === id).map((f) => f.payload)).toString();
  assert.equal(text(3), 'spdy\n');
  assert.deepEqual(JSON.parse(text(1)), { metadata: {}, status: 'Success' });
  assert.ok(got.some((f) => !f.control && f.streamId === 3 && f.flags & FlagFin));
});
