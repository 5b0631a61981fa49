// The DNS wire format (RFC 1035, RFC 3596 for AAAA, RFC 2782 for SRV, RFC 6891 for the
// EDNS0 OPT pseudo-record): decoding a message into plain objects and encoding one back,
// with name compression and with truncation to the size the client can take.

import { DnsFormatError } from './errors.js';
import { compressIpv6, ipv6Bytes } from './ipv6.js';

export { DnsFormatError } from './errors.js';

export { ipv6Bytes, ipv6Text } from './ipv6.js';

export const RecordType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const CLASS_IN = 1;

export type RecordData =
  | { kind: 'A'; address: string }
  | { kind: 'AAAA'; address: string }
  | { kind: 'CNAME' | 'NS' | 'PTR'; target: string }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { kind: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'raw'; bytes: Buffer };

export interface Question {
  /** Without the trailing dot; '' is the root. */
  name: string;
  type: number;
  class: number;
}

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RecordData;
}

/** EDNS0, carried on the wire as an OPT record in the additional section. */
export interface Edns {
  payloadSize: number;
  extendedRcode: number;
  version: number;
  /** The DO bit and the rest of the OPT flags. */
  flags: number;
  options: Buffer;
}

export interface Message {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  edns?: Edns;
}


export function emptyMessage(id = 0): Message {
  return { id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, rcode: 0, questions: [], answers: [], authorities: [], additionals: [] };
}

// ---- decoding ----

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DnsFormatError(`message ends early at ${this.pos} (${n} bytes wanted)`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  /** A name at the cursor, following compression pointers (each pointer must point backwards, so loops end). */
  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let jumped = false;
    let limit = pos;
    for (;;) {
      if (pos >= this.buf.length) throw new DnsFormatError('name runs past the message');
      const len = this.buf[pos]!;
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new DnsFormatError('truncated compression pointer');
        const target = ((len & 0x3f) << 8) | this.buf[pos + 1]!;
        if (target >= limit) throw new DnsFormatError('compression pointer does not point backwards');
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        limit = target;
        pos = target;
        continue;
      }
      if (len & 0xc0) throw new DnsFormatError(`unsupported label type ${len >> 6}`);
      if (len === 0) {
        if (!jumped) this.pos = pos + 1;
        break;
      }
      if (pos + 1 + len > this.buf.length) throw new DnsFormatError('label runs past the message');
      labels.push(this.buf.toString('latin1', pos + 1, pos + 1 + len));
      pos += 1 + len;
    }
    const name = labels.join('.');
    if (name.length > 253) throw new DnsFormatError('name longer than 255 bytes');
    return name;
  }
}

function decodeData(r: Reader, type: number, len: number): RecordData {
  const end = r.pos + len;
  r.need(len);
  let d: RecordData;
  switch (type) {
    case RecordType.A:
      if (len !== 4) throw new DnsFormatError('A record of the wrong length');
      d = { kind: 'A', address: [...r.bytes(4)].join('.') };
      break;
    case RecordType.AAAA: {
      if (len !== 16) throw new DnsFormatError('AAAA record of the wrong length');
      const b = r.bytes(16);
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
      d = { kind: 'AAAA', address: compressIpv6(groups) };
      break;
    }
    case RecordType.CNAME:
    case RecordType.NS:
    case RecordType.PTR:
      d = { kind: type === RecordType.CNAME ? 'CNAME' : type === RecordType.NS ? 'NS' : 'PTR', target: r.name() };
      break;
    case RecordType.SRV:
      d = { kind: 'SRV', priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    case RecordType.SOA:
      d = { kind: 'SOA', mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
      break;
    default:
      d = { kind: 'raw', bytes: Buffer.from(r.bytes(len)) };
  }
  if (r.pos !== end) throw new DnsFormatError(`record data of type ${type} does not fill its length`);
  return d;
}

function decodeRecord(r: Reader): ResourceRecord {
  const name = r.name();
  const type = r.u16();
  const cls = r.u16();
  const ttl = r.u32();
  const len = r.u16();
  return { name, type, class: cls, ttl, data: decodeData(r, type, len) };
}

export function decodeMessage(buf: Buffer): Message {
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
  const m: Message = {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  for (let i = 0; i < counts[0]; i++) m.questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  for (let i = 0; i < counts[1]; i++) m.answers.push(decodeRecord(r));
  for (let i = 0; i < counts[2]; i++) m.authorities.push(decodeRecord(r));
  for (let i = 0; i < counts[3]; i++) {
    const rr = decodeRecord(r);
    if (rr.type === RecordType.OPT) {
      if (m.edns) throw new DnsFormatError('more than one OPT record');
      const bytes = rr.data.kind === 'raw' ? rr.data.bytes : Buffer.alloc(0);
      m.edns = { payloadSize: rr.class, extendedRcode: rr.ttl >>> 24, version: (rr.ttl >>> 16) & 0xff, flags: rr.ttl & 0xffff, options: bytes };
      m.rcode |= m.edns.extendedRcode << 4;
    } else m.additionals.push(rr);
  }
  return m;
}

// ---- encoding ----

class Writer {
  private buf = Buffer.alloc(512);
  len = 0;
  /** Lower-cased name suffix -> offset of its first occurrence, for compression. */
  private readonly names = new Map<string, number>();
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }
  u8(v: number): void {
    this.grow(1);
    this.buf[this.len++] = v;
  }
  u16(v: number): void {
    this.grow(2);
    this.buf.writeUInt16BE(v & 0xffff, this.len);
    this.len += 2;
  }
  u32(v: number): void {
    this.grow(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
  }
  bytes(b: Buffer): void {
    this.grow(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }
  setU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }
  name(name: string, compress = true): void {
    const labels = name === '' ? [] : name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = compress ? this.names.get(suffix) : undefined;
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      // Pointers hold 14 bits: later names can only point into the first 16 KiB.
      if (compress && this.len < 0x4000) this.names.set(suffix, this.len);
      const label = Buffer.from(labels[i]!, 'latin1');
      if (label.length === 0 || label.length > 63) throw new DnsFormatError(`bad label in ${JSON.stringify(name)}`);
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }
  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

function encodeData(w: Writer, d: RecordData): void {
  switch (d.kind) {
    case 'A': {
      const parts = d.address.split('.').map(Number);
      if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new DnsFormatError(`bad IPv4 address ${d.address}`);
      for (const p of parts) w.u8(p);
      return;
    }
    case 'AAAA':
      w.bytes(ipv6Bytes(d.address));
      return;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      w.name(d.target);
      return;
    case 'SRV':
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      // RFC 2782: the SRV target is not compressed.
      w.name(d.target, false);
      return;
    case 'SOA':
      w.name(d.mname);
      w.name(d.rname);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
      return;
    case 'raw':
      w.bytes(d.bytes);
  }
}

function encodeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lenAt = w.len;
  w.u16(0);
  encodeData(w, rr.data);
  w.setU16(lenAt, w.len - lenAt - 2);
}

function optRecord(m: Message): ResourceRecord | undefined {
  const e = m.edns;
  if (!e) return undefined;
  const ttl = (((m.rcode >> 4) & 0xff) << 24) | ((e.version & 0xff) << 16) | (e.flags & 0xffff);
  return { name: '', type: RecordType.OPT, class: e.payloadSize, ttl: ttl >>> 0, data: { kind: 'raw', bytes: e.options } };
}

export function encodeMessage(m: Message): Buffer {
  const w = new Writer();
  const opt = optRecord(m);
  w.u16(m.id);
  const flags = (m.qr ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.aa ? 0x0400 : 0) | (m.tc ? 0x0200 : 0) | (m.rd ? 0x0100 : 0) | (m.ra ? 0x0080 : 0) | (m.rcode & 0xf);
  w.u16(flags);
  w.u16(m.questions.length);
  w.u16(m.answers.length);
  w.u16(m.authorities.length);
  w.u16(m.additionals.length + (opt ? 1 : 0));
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of m.answers) encodeRecord(w, rr);
  for (const rr of m.authorities) encodeRecord(w, rr);
  for (const rr of m.additionals) encodeRecord(w, rr);
  if (opt) encodeRecord(w, opt);
  return w.result();
}

/**
 * Encodes a response so that it fits in maxSize bytes: when it does not, the additional
 * section goes first, then answers and authorities from the end, and TC is set so the
 * client retries over TCP (RFC 2181 section 9). The OPT record is always kept.
 */
export function encodeTruncated(m: Message, maxSize: number): Buffer {
  let out = encodeMessage(m);
  if (out.length <= maxSize) return out;
  const t: Message = { ...m, tc: true, additionals: [], answers: [...m.answers], authorities: [...m.authorities] };
  out = encodeMessage(t);
  while (out.length > maxSize && (t.answers.length > 0 || t.authorities.length > 0)) {
    if (t.authorities.length > 0) t.authorities.pop();
    else t.answers.pop();
    out = encodeMessage(t);
  }
  return out;
}

/** The largest UDP response a query allows: 512 bytes, or its EDNS payload size (never below 512). */
export function udpLimit(query: Message): number {
  return query.edns ? Math.max(512, query.edns.payloadSize) : 512;
}
