import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufDecodeError } from './errors.js';
import { WireReader, WireWriter } from './wire.js';

test('varints: one byte, several bytes, 64-bit, negative int32 as ten bytes', () => {
  const b = new WireWriter().varint(1, 1).varint(2, 300).varint(3, 2n ** 63n - 1n).varint(4, -1).finish();
  assert.deepEqual([...b.subarray(0, 5)], [0x08, 0x01, 0x10, 0xac, 0x02]);
  const f = new WireReader(b).readAll();
  // Small values come back as numbers, large ones as bigints.
  assert.equal(f.get(1)?.[0].value, 1);
  assert.equal(f.get(2)?.[0].value, 300);
  assert.equal(f.get(3)?.[0].value, 2n ** 63n - 1n);
  assert.equal(f.get(4)?.[0].value, 2n ** 64n - 1n);
  const edge = new WireReader(new WireWriter().varint(1, 2 ** 49 - 1).varint(2, 2 ** 49).finish()).readAll();
  assert.equal(edge.get(1)?.[0].value, 2 ** 49 - 1);
  assert.equal(edge.get(2)?.[0].value, 2n ** 49n);
  assert.equal(b.length - 2 - 3 - 10, 11); // tag + ten bytes for -1
});

test('length-delimited, fixed64 and repeated fields keep their order', () => {
  const b = new WireWriter().string(5, 'héllo').double(6, 1.5).string(5, 'again').bytes(7, new Uint8Array(0)).finish();
  const f = new WireReader(b).readAll();
  assert.deepEqual(f.get(5)?.map((x) => Buffer.from(x.value as Uint8Array).toString()), ['héllo', 'again']);
  assert.equal(Buffer.from(f.get(6)?.[0].value as Uint8Array).readDoubleLE(0), 1.5);
  assert.equal((f.get(7)?.[0].value as Uint8Array).length, 0);
});

test('truncated input and bad tags are ProtobufDecodeErrors naming the message', () => {
  const cases: [number[], string][] = [
    [[0x0a, 0x05, 0x61], 'truncated'], // says 5 bytes, has 1
    [[0x08, 0x80], 'truncated'], // varint never ends
    [[0x0b], 'wire-type'], // wire type 3 (groups)
    [[0x00, 0x00], 'malformed'], // field 0
    [[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'malformed'], // 11-byte varint
  ];
  for (const [bytes, code] of cases) {
    assert.throws(() => new WireReader(Uint8Array.from(bytes), 'Thing').readAll(), (e: unknown) => {
      assert.ok(e instanceof ProtobufDecodeError);
      assert.equal(e.code, code, `${bytes}`);
      assert.match(e.message, /^Thing/);
      return true;
    });
  }
});
