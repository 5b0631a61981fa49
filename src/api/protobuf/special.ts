// Messages whose JSON is not an object of their fields: times, durations, quantities,
// int-or-string, raw JSON. Each converts between the message's bytes and its JSON the
// way apimachinery's custom marshalers do. RawExtension is left to decode.ts/encode.ts,
// since it may hold a nested protobuf object.
import { ProtobufDecodeError, ProtobufEncodeError } from './errors.js';
import { WireReader, WireWriter, type RawField } from './wire.js';

function lastVarint(fields: Map<number, RawField[]>, num: number, where: string): bigint {
  const list = fields.get(num);
  if (!list) return 0n;
  const f = list[list.length - 1];
  if (f.wireType !== 0) throw new ProtobufDecodeError('wire-type', `${where}: field ${num} must be a varint`);
  return BigInt(f.value as number | bigint);
}

function lastBytes(fields: Map<number, RawField[]>, num: number, where: string): Uint8Array | undefined {
  const list = fields.get(num);
  if (!list) return undefined;
  const f = list[list.length - 1];
  if (f.wireType !== 2) throw new ProtobufDecodeError('wire-type', `${where}: field ${num} must be length-delimited`);
  return f.value as Uint8Array;
}

const int64 = (v: bigint): number => Number(BigInt.asIntN(64, v));
const int32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

// Go's Time.MarshalJSON refuses years outside 0..9999, so such a time has no JSON form.
const minSeconds = -62167219200; // 0000-01-01T00:00:00Z
const maxSeconds = 253402300799; // 9999-12-31T23:59:59Z

function isoSeconds(seconds: number, where: string): string {
  if (!(seconds >= minSeconds && seconds <= maxSeconds)) {
    throw new ProtobufDecodeError('bad-value', `${where}: seconds ${seconds} is outside the years 0 to 9999`);
  }
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** metav1.Time: seconds only (apimachinery drops nanos); an empty message is the zero time, JSON null. */
export function decodeTime(b: Uint8Array, where: string): string | null {
  if (b.length === 0) return null;
  const f = new WireReader(b, where).readAll();
  return `${isoSeconds(int64(lastVarint(f, 1, where)), where)}Z`;
}

/** metav1.MicroTime: seconds and nanos truncated to microseconds, six fractional digits. */
export function decodeMicroTime(b: Uint8Array, where: string): string | null {
  if (b.length === 0) return null;
  const f = new WireReader(b, where).readAll();
  const micros = Math.floor(int32(lastVarint(f, 2, where)) / 1000);
  return `${isoSeconds(int64(lastVarint(f, 1, where)), where)}.${String(micros).padStart(6, '0')}Z`;
}

/** metav1.Duration: nanoseconds, shown as Go's time.Duration.String(). */
export function decodeDuration(b: Uint8Array, where: string): string {
  return goDuration(BigInt.asIntN(64, lastVarint(new WireReader(b, where).readAll(), 1, where)));
}

export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  const frac = (v: bigint, digits: number): string => {
    const s = (v % 10n ** BigInt(digits)).toString().padStart(digits, '0').replace(/0+$/, '');
    return `${v / 10n ** BigInt(digits)}${s ? `.${s}` : ''}`;
  };
  if (u < 1000n) out = `${u}ns`;
  else if (u < 1000000n) out = `${frac(u, 3)}µs`;
  else if (u < 1000000000n) out = `${frac(u, 6)}ms`;
  else {
    const h = u / 3600000000000n;
    u %= 3600000000000n;
    const m = u / 60000000000n;
    u %= 60000000000n;
    out = `${h > 0n ? `${h}h` : ''}${h > 0n || m > 0n ? `${m}m` : ''}${frac(u, 9)}s`;
  }
  return neg ? `-${out}` : out;
}

/** resource.Quantity: its canonical string, already formatted by the sender. */
export function decodeQuantity(b: Uint8Array, where: string): string {
  const s = lastBytes(new WireReader(b, where).readAll(), 1, where);
  return s ? Buffer.from(s).toString('utf8') : '0';
}

/** intstr.IntOrString: {1: type (0 int, 1 string), 2: intVal, 3: strVal}. */
export function decodeIntOrString(b: Uint8Array, where: string): number | string {
  const f = new WireReader(b, where).readAll();
  const type = int64(lastVarint(f, 1, where));
  if (type === 1) {
    const s = lastBytes(f, 3, where);
    return s ? Buffer.from(s).toString('utf8') : '';
  }
  if (type !== 0) throw new ProtobufDecodeError('bad-value', `${where}: IntOrString type ${type}`);
  return int32(lastVarint(f, 2, where));
}

/** FieldsV1 and RawExtension carry raw bytes in field 1 (absent: Go's nil). */
export function rawBytesField(b: Uint8Array, where: string): Uint8Array | undefined {
  return lastBytes(new WireReader(b, where).readAll(), 1, where);
}

export function parseJsonBytes(b: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(Buffer.from(b).toString('utf8'));
  } catch (err) {
    throw new ProtobufDecodeError('bad-value', `${where}: raw bytes are not JSON`, { cause: err });
  }
}

// ---- encoding, the inverse: JSON value -> message bytes (as gogo writes them) ----

function parseRfc3339(s: unknown, where: string): { seconds: number; nanos: number } {
  const m = typeof s === 'string' ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(s) : null;
  if (!m) throw new ProtobufEncodeError(`${where}: ${JSON.stringify(s)} is not an RFC 3339 time`);
  const ms = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
  if (Number.isNaN(ms)) throw new ProtobufEncodeError(`${where}: ${JSON.stringify(s)} is not a valid time`);
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

export function encodeTime(v: unknown, where: string): Uint8Array {
  if (v === null || v === undefined) return new Uint8Array(0);
  return new WireWriter().varint(1, parseRfc3339(v, where).seconds).varint(2, 0).finish();
}

export function encodeMicroTime(v: unknown, where: string): Uint8Array {
  if (v === null || v === undefined) return new Uint8Array(0);
  const t = parseRfc3339(v, where);
  return new WireWriter().varint(1, t.seconds).varint(2, Math.floor(t.nanos / 1000) * 1000).finish();
}

const unitNs: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

export function parseGoDuration(s: unknown, where: string): bigint {
  const bad = (): ProtobufEncodeError => new ProtobufEncodeError(`${where}: ${JSON.stringify(s)} is not a duration`);
  if (typeof s !== 'string') throw bad();
  if (s === '0') return 0n;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) throw bad();
  let total = 0;
  for (const part of s.slice(m[1].length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * unitNs[part[2]];
  }
  const ns = BigInt(Math.round(total));
  return m[1] === '-' ? -ns : ns;
}

export function encodeDuration(v: unknown, where: string): Uint8Array {
  return new WireWriter().varint(1, parseGoDuration(v ?? '0s', where)).finish();
}

export function encodeQuantity(v: unknown, where: string): Uint8Array {
  if (typeof v === 'number') return new WireWriter().string(1, String(v)).finish();
  if (typeof v !== 'string') throw new ProtobufEncodeError(`${where}: a quantity must be a string or number`);
  return new WireWriter().string(1, v).finish();
}

export function encodeIntOrString(v: unknown, where: string): Uint8Array {
  const w = new WireWriter();
  if (typeof v === 'string') return w.varint(1, 1).varint(2, 0).string(3, v).finish();
  if (v === undefined || v === null) return w.varint(1, 0).varint(2, 0).string(3, '').finish();
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ProtobufEncodeError(`${where}: IntOrString must be an integer or string`);
  return w.varint(1, 0).varint(2, v).string(3, '').finish();
}

/** FieldsV1 / RawExtension: the JSON text in field 1; null means Go's nil (no field). */
export function encodeRawJson(v: unknown): Uint8Array {
  if (v === null || v === undefined) return new Uint8Array(0);
  return new WireWriter().bytes(1, Buffer.from(JSON.stringify(v), 'utf8')).finish();
}
