import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, exitCodeStatus, FrameError, negotiateProtocol, parseResize } from './channels.js';

test('frames carry their channel in the first byte', () => {
  const f = encodeFrame(1, 'hi\n');
  assert.deepEqual([...f], [1, 104, 105, 10]);
  assert.deepEqual(decodeFrame(f), { channel: 1, data: Buffer.from('hi\n') });
  assert.deepEqual(decodeFrame(Buffer.from([255, 0])), { channel: 255, data: Buffer.from([0]) });
  assert.throws(() => decodeFrame(Buffer.alloc(0)), FrameError);
});

test('protocol negotiation prefers v5 and refuses unknown ones', () => {
  assert.equal(negotiateProtocol(['v4.channel.k8s.io', ' v5.channel.k8s.io']), 'v5.channel.k8s.io');
  assert.equal(negotiateProtocol(['v4.channel.k8s.io', 'v3.channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(negotiateProtocol(['channel.k8s.io']), undefined);
});

test('resize messages and exit statuses', () => {
  assert.deepEqual(parseResize(Buffer.from('{"Width":80,"Height":24}')), { width: 80, height: 24 });
  assert.throws(() => parseResize(Buffer.from('{"Width":"x"}')), FrameError);
  assert.throws(() => parseResize(Buffer.from('nope')), FrameError);
  assert.deepEqual(exitCodeStatus(0), { metadata: {}, status: 'Success' });
  const s = exitCodeStatus(3);
  assert.equal(s.status, 'Failure');
  assert.equal(s.reason, 'NonZeroExitCode');
  assert.deepEqual(s.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
});
