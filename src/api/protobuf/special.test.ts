import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufEncodeError } from './errors.js';
import { decodeDuration, decodeIntOrString, decodeMicroTime, decodeQuantity, decodeTime, encodeDuration, encodeMicroTime, encodeTime, goDuration, parseGoDuration } from './special.js';
import { WireWriter } from './wire.js';

test('Go duration strings', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'], [1n, '1ns'], [1500n, '1.5µs'], [2000000n, '2ms'], [1500000000n, '1.5s'], [90000000000n, '1m30s'],
    [3600000000000n, '1h0m0s'], [3723000000000n, '1h2m3s'], [-5000000000n, '-5s'], [100000000n, '100ms'],
  ];
  for (const [ns, s] of cases) {
    assert.equal(goDuration(ns), s);
    assert.equal(parseGoDuration(s, 'd'), ns, s);
  }
  assert.equal(decodeDuration(new WireWriter().varint(1, 90000000000n).finish(), 'd'), '1m30s');
  assert.equal(decodeDuration(encodeDuration('1h', 'd'), 'd'), '1h0m0s');
  assert.throws(() => parseGoDuration('5 minutes', 'd'), ProtobufEncodeError);
});

test('times: empty message is the zero time, seconds-only Time, microsecond MicroTime, the epoch is not zero', () => {
  assert.equal(decodeTime(new Uint8Array(0), 't'), null);
  assert.equal(decodeTime(new WireWriter().varint(1, 0).varint(2, 0).finish(), 't'), '1970-01-01T00:00:00Z');
  assert.equal(decodeTime(new WireWriter().varint(1, -86400).finish(), 't'), '1969-12-31T00:00:00Z');
  assert.equal(decodeMicroTime(new WireWriter().varint(1, 1).varint(2, 5999).finish(), 't'), '1970-01-01T00:00:01.000005Z');
  assert.equal(decodeTime(encodeTime('2024-02-29T23:59:59+01:00', 't'), 't'), '2024-02-29T22:59:59Z');
  assert.equal(decodeMicroTime(encodeMicroTime('2024-01-02T03:04:05.1234567Z', 't'), 't'), '2024-01-02T03:04:05.123456Z');
  assert.throws(() => encodeTime('yesterday', 't'), ProtobufEncodeError);
});

test('Quantity and IntOrString', () => {
  assert.equal(decodeQuantity(new WireWriter().string(1, '1Gi').finish(), 'q'), '1Gi');
  assert.equal(decodeQuantity(new Uint8Array(0), 'q'), '0');
  assert.equal(decodeIntOrString(new WireWriter().varint(1, 0).varint(2, -3).finish(), 'p'), -3);
  assert.equal(decodeIntOrString(new WireWriter().varint(1, 1).string(3, 'http').finish(), 'p'), 'http');
  assert.equal(decodeIntOrString(new Uint8Array(0), 'p'), 0);
  assert.throws(() => decodeIntOrString(new WireWriter().varint(1, 7).finish(), 'p'), /IntOrString type 7/);
});
