// Bad input must never crash the server: every mutation of a real body either decodes
// or fails with a ProtobufDecodeError, never with another exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlFixtures } from './fixtures/kubectl-1_33.js';
import { decodeKubernetesProtobuf, defaultSchema, encodeKubernetesProtobuf, ProtobufDecodeError } from './index.js';
import { messageForKind } from './kinds.js';
import { sampleObject } from './sample.js';

function* mutations(body: Buffer, seed: number): Generator<Buffer> {
  let state = seed;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  for (let len = 0; len < body.length; len += Math.max(1, Math.floor(body.length / 40))) yield body.subarray(0, len);
  for (let i = 0; i < 300; i++) {
    const b = Buffer.from(body);
    const edits = 1 + rand(4);
    for (let e = 0; e < edits; e++) {
      const at = 4 + rand(Math.max(1, b.length - 4));
      if (rand(2) === 0) b[at] ^= 1 << rand(8);
      else b[at] = rand(256);
    }
    yield b;
  }
}

test('mutated kubectl bodies decode or throw ProtobufDecodeError, nothing else', () => {
  let decoded = 0;
  let rejected = 0;
  // Samples add what kubectl's bodies lack: times, raw JSON, quantities, deep nesting.
  const samples = [['apps/v1', 'ControllerRevision'], ['v1', 'Pod'], ['v1', 'Event'], ['coordination.k8s.io/v1', 'Lease']].map(([apiVersion, kind], i) => ({
    name: kind,
    hex: Buffer.from(encodeKubernetesProtobuf({ apiVersion, kind, ...sampleObject(defaultSchema(), messageForKind(defaultSchema(), apiVersion, kind), { seed: i, maxDepth: 6 }) })).toString('hex'),
  }));
  for (const [i, f] of [...kubectlFixtures, ...samples].entries()) {
    for (const b of mutations(Buffer.from(f.hex, 'hex'), i + 1)) {
      try {
        const out = decodeKubernetesProtobuf(b);
        assert.equal(typeof out.object, 'object');
        JSON.stringify(out.object);
        decoded++;
      } catch (e) {
        if (!(e instanceof ProtobufDecodeError)) throw new Error(`${f.name}: ${b.toString('hex')} threw ${String(e)}`, { cause: e });
        rejected++;
      }
    }
  }
  assert.ok(decoded > 100 && rejected > 100, `decoded ${decoded}, rejected ${rejected}`);
});

test('times outside the years 0 to 9999 are rejected, as Go cannot print them', () => {
  // Namespace with metadata.creationTimestamp.seconds = 2^40.
  const meta = Buffer.from([0x42, 0x07, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  const raw = Buffer.concat([Buffer.from([0x0a, meta.length]), meta]);
  const tm = Buffer.from([0x0a, 0x02, 0x76, 0x31, 0x12, 0x09, ...Buffer.from('Namespace')]);
  const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, tm.length]), tm, Buffer.from([0x12, raw.length]), raw]);
  assert.throws(() => decodeKubernetesProtobuf(body), (e: unknown) => e instanceof ProtobufDecodeError && /creationTimestamp/.test(e.message));
});
