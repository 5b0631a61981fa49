import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASS_IN, decodeMessage, DnsFormatError, emptyMessage, encodeMessage, encodeTruncated, ipv6Text, RecordType, udpLimit, type Message, type ResourceRecord } from './wire.js';

function sample(): Message {
  const m = emptyMessage(0x1234);
  m.qr = true;
  m.aa = true;
  m.rd = true;
  m.ra = true;
  m.questions.push({ name: 'web.default.svc.cluster.local', type: RecordType.SRV, class: CLASS_IN });
  const rr = (name: string, data: ResourceRecord['data'], type: number): ResourceRecord => ({ name, type, class: CLASS_IN, ttl: 5, data });
  m.answers.push(rr('web.default.svc.cluster.local', { kind: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }, RecordType.SRV));
  m.answers.push(rr('web.default.svc.cluster.local', { kind: 'CNAME', target: 'x.example.com' }, RecordType.CNAME));
  m.answers.push(rr('1.0.43.10.in-addr.arpa', { kind: 'PTR', target: 'web.default.svc.cluster.local' }, RecordType.PTR));
  m.authorities.push(rr('cluster.local', { kind: 'SOA', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 42, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 }, RecordType.SOA));
  m.authorities.push(rr('cluster.local', { kind: 'NS', target: 'ns.dns.cluster.local' }, RecordType.NS));
  m.additionals.push(rr('web.default.svc.cluster.local', { kind: 'A', address: '10.43.0.1' }, RecordType.A));
  m.additionals.push(rr('web.default.svc.cluster.local', { kind: 'AAAA', address: 'fd00::1' }, RecordType.AAAA));
  m.additionals.push(rr('x', { kind: 'raw', bytes: Buffer.from([3, 97, 98, 99]) }, RecordType.TXT));
  m.edns = { payloadSize: 1232, extendedRcode: 0, version: 0, flags: 0x8000, options: Buffer.alloc(0) };
  return m;
}

test('every record kind survives an encode/decode round trip', () => {
  const m = sample();
  const back = decodeMessage(encodeMessage(m));
  assert.deepEqual(back, m);
});

test('names are compressed: a repeated name costs two bytes', () => {
  const m = sample();
  const bytes = encodeMessage(m);
  const uncompressedName = 'web.default.svc.cluster.local'.length + 2;
  // The name appears 6 times (question, 3 owners/targets compressed, 2 additionals); only once in full
  // plus once in the SRV target, which RFC 2782 forbids compressing.
  const occurrences = bytes.toString('latin1').split('\x03web\x07default').length - 1;
  assert.equal(occurrences, 2);
  assert.ok(bytes.length < 6 * uncompressedName + 150);
});

test('case of names is kept, compression matches case-insensitively', () => {
  const m = emptyMessage(1);
  m.questions.push({ name: 'Web.Default.svc.cluster.local', type: RecordType.A, class: CLASS_IN });
  m.answers.push({ name: 'web.default.svc.cluster.local', type: RecordType.A, class: CLASS_IN, ttl: 5, data: { kind: 'A', address: '1.2.3.4' } });
  const back = decodeMessage(encodeMessage(m));
  assert.equal(back.questions[0]!.name, 'Web.Default.svc.cluster.local');
  assert.equal(back.answers[0]!.name, 'Web.Default.svc.cluster.local');
});

test('pointer loops and short messages are format errors', () => {
  const header = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => decodeMessage(Buffer.concat([header, Buffer.from([0xc0, 12, 0, 1, 0, 1])])), DnsFormatError);
  assert.throws(() => decodeMessage(Buffer.from([0, 1, 0])), DnsFormatError);
  assert.throws(() => decodeMessage(Buffer.concat([header, Buffer.from([5, 97, 98])])), DnsFormatError);
});

test('truncation: over 512 bytes without EDNS sets TC and fits; EDNS raises the limit', () => {
  const m = emptyMessage(7);
  m.qr = true;
  m.questions.push({ name: 'big.default.svc.cluster.local', type: RecordType.A, class: CLASS_IN });
  for (let i = 0; i < 60; i++) m.answers.push({ name: 'big.default.svc.cluster.local', type: RecordType.A, class: CLASS_IN, ttl: 5, data: { kind: 'A', address: `10.42.0.${i}` } });
  const full = encodeMessage(m);
  assert.ok(full.length > 512);
  const query = emptyMessage(7);
  assert.equal(udpLimit(query), 512);
  const small = encodeTruncated(m, udpLimit(query));
  assert.ok(small.length <= 512);
  const t = decodeMessage(small);
  assert.equal(t.tc, true);
  assert.ok(t.answers.length < 60 && t.answers.length > 0);
  assert.deepEqual(t.questions, m.questions, 'the question is kept');
  m.edns = { payloadSize: 1232, extendedRcode: 0, version: 0, flags: 0, options: Buffer.alloc(0) };
  assert.equal(decodeMessage(encodeTruncated(m, 512)).edns?.payloadSize, 1232, 'and so is the OPT record');
  delete m.edns;
  query.edns = { payloadSize: 4096, extendedRcode: 0, version: 0, flags: 0, options: Buffer.alloc(0) };
  assert.equal(udpLimit(query), 4096);
  const big = decodeMessage(encodeTruncated(m, udpLimit(query)));
  assert.equal(big.tc, false);
  assert.equal(big.answers.length, 60);
  query.edns.payloadSize = 100;
  assert.equal(udpLimit(query), 512, 'payload sizes below 512 count as 512');
});

test('EDNS: OPT carries payload size, version, DO bit and the extended rcode', () => {
  const m = emptyMessage(9);
  m.rcode = 16; // BADVERS needs the extended rcode bits
  m.edns = { payloadSize: 1232, extendedRcode: 0, version: 0, flags: 0x8000, options: Buffer.from([0, 10, 0, 2, 1, 2]) };
  const bytes = encodeMessage(m);
  assert.equal(bytes.readUInt16BE(2) & 0xf, 0);
  assert.equal(bytes.readUInt16BE(10), 1, 'one additional record: the OPT');
  const back = decodeMessage(bytes);
  assert.equal(back.rcode, 16);
  assert.equal(back.edns!.payloadSize, 1232);
  assert.equal(back.edns!.flags, 0x8000);
  assert.deepEqual([...back.edns!.options], [0, 10, 0, 2, 1, 2]);
  assert.equal(back.additionals.length, 0);
});

test('IPv6 text forms', () => {
  assert.equal(ipv6Text('fd00:0:0:0:0:0:0:1'), 'fd00::1');
  assert.equal(ipv6Text('::ffff:10.0.0.1'), '::ffff:a00:1');
  assert.equal(ipv6Text('1:0:0:2:0:0:0:3'), '1:0:0:2::3');
  assert.throws(() => ipv6Text('1::2::3'), DnsFormatError);
});
