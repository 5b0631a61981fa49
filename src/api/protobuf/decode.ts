// Protobuf message bytes -> the JSON value Go's encoding/json would print for the same
// Go struct, driven by the wire tables. Field presence follows Go: omitempty drops zero
// scalars and empty lists and maps, pointers appear exactly when sent, non-pointer
// structs always appear, lists and maps without omitempty print null when empty.
import { ProtobufDecodeError } from './errors.js';
import { readEnvelope, hasMagic } from './envelope.js';
import {
  decodeDuration, decodeIntOrString, decodeMicroTime, decodeQuantity, decodeTime, parseJsonBytes, rawBytesField,
} from './special.js';
import type { FieldSpec, MessageSpec, Schema, ValueType } from './table.js';
import { WireReader, type RawField } from './wire.js';

export interface DecodeContext {
  schema: Schema;
  /** The qualified message for a kind, for objects nested in a RawExtension as protobuf. */
  messageForKind(apiVersion: string, kind: string): string;
  /** How many protobuf objects this one sits inside (RawExtension); default 0. */
  nesting?: number;
}

/** Objects nested in RawExtensions deeper than this are refused, so no input can exhaust the stack. */
export const maxNesting = 8;

const empty = new Uint8Array(0);

export function decodeMessage(ctx: DecodeContext, name: string, bytes: Uint8Array, path: string): unknown {
  const spec = ctx.schema.message(name);
  const raw = new WireReader(bytes, path).readAll();
  if (spec.listOf) {
    const items = decodeList(ctx, spec.listOf, raw.get(1) ?? [], `${path}.items`);
    return items.length > 0 ? items : null;
  }
  return decodeFields(ctx, spec, raw, path);
}

function decodeFields(ctx: DecodeContext, spec: MessageSpec, raw: Map<number, RawField[]>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) {
    if (f.presence === 'skip') continue;
    const got = raw.get(f.num) ?? [];
    const where = `${path}.${f.json}`;
    if (f.shape === 'list') {
      const items = decodeList(ctx, f.value, got, where);
      if (items.length > 0) out[f.json] = items;
      else if (f.presence === 'always') out[f.json] = null;
    } else if (f.shape === 'map') {
      const entries = got.map((e, i) => decodeMapEntry(ctx, f, bytesOf(e, where), `${where}[${i}]`));
      if (entries.length > 0) {
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        out[f.json] = Object.fromEntries(entries);
      } else if (f.presence === 'always') out[f.json] = null;
    } else {
      decodeSingle(ctx, f, got, where, out);
    }
  }
  return out;
}

function decodeSingle(ctx: DecodeContext, f: FieldSpec, got: RawField[], where: string, out: Record<string, unknown>): void {
  const present = got.length > 0;
  if (f.presence === 'pointer' && !present) return;
  if (f.presence === 'pointerOrNull' && !present) {
    out[f.json] = null;
    return;
  }
  if (f.value.kind === 'scalar') {
    if (f.value.scalar === 'bytes') {
      const b = present ? bytesOf(got[got.length - 1], where) : undefined;
      if (b && (b.length > 0 || f.presence !== 'omitempty')) out[f.json] = view(b).toString('base64');
      else if (!b && f.presence === 'always') out[f.json] = null;
      return;
    }
    const v = present ? scalarOf(f.value.scalar, got[got.length - 1], where) : zeroOf(f.value.scalar);
    if (f.presence !== 'omitempty' || !isZero(v)) out[f.json] = v;
    return;
  }
  // Protobuf merges repeated occurrences of a singular message: concatenating is the same.
  const bytes = got.length === 0 ? empty : got.length === 1 ? bytesOf(got[0], where) : Buffer.concat(got.map((g) => bytesOf(g, where)));
  const v = decodeValue(ctx, f.value, bytes, where);
  if (f.presence === 'inline') {
    if (v !== null && typeof v === 'object') Object.assign(out, v);
    return;
  }
  out[f.json] = v;
}

function decodeList(ctx: DecodeContext, t: ValueType, got: RawField[], where: string): unknown[] {
  const items: unknown[] = [];
  for (const g of got) {
    if (t.kind === 'scalar' && t.scalar !== 'string' && t.scalar !== 'bytes' && g.wireType === 2) {
      // Packed numbers: one length-delimited run of values.
      const r = new WireReader(g.value as Uint8Array, where);
      while (!r.done) items.push(scalarOf(t.scalar, readPacked(r, t.scalar), where));
      continue;
    }
    const i = items.length;
    if (t.kind === 'scalar') items.push(t.scalar === 'bytes' ? view(bytesOf(g, where)).toString('base64') : scalarOf(t.scalar, g, `${where}[${i}]`));
    else items.push(decodeValue(ctx, t, bytesOf(g, `${where}[${i}]`), `${where}[${i}]`));
  }
  return items;
}

function readPacked(r: WireReader, scalar: string): RawField {
  if (scalar === 'double') return { num: 0, wireType: 1, value: r.readFixed(8) };
  if (scalar === 'float') return { num: 0, wireType: 5, value: r.readFixed(4) };
  return { num: 0, wireType: 0, value: r.readVarintValue() };
}

function decodeMapEntry(ctx: DecodeContext, f: FieldSpec, bytes: Uint8Array, where: string): [string, unknown] {
  const e = new WireReader(bytes, where).readAll();
  const keys = e.get(1);
  const key = keys ? view(bytesOf(keys[keys.length - 1], `${where}.key`)).toString('utf8') : '';
  const vals = e.get(2) ?? [];
  const at = `${where}[${JSON.stringify(key)}]`;
  const t = f.value;
  if (t.kind === 'scalar') {
    if (t.scalar === 'bytes') return [key, view(vals.length ? bytesOf(vals[vals.length - 1], at) : empty).toString('base64')];
    return [key, vals.length ? scalarOf(t.scalar, vals[vals.length - 1], at) : zeroOf(t.scalar)];
  }
  const vb = vals.length === 0 ? empty : Buffer.concat(vals.map((v) => bytesOf(v, at)));
  return [key, decodeValue(ctx, t, vb, at)];
}

function decodeValue(ctx: DecodeContext, t: ValueType, bytes: Uint8Array, where: string): unknown {
  if (t.kind === 'message') return decodeMessage(ctx, t.name, bytes, where);
  if (t.kind === 'scalar') throw new ProtobufDecodeError('malformed', `${where}: scalar where a message was expected`);
  switch (t.builtin) {
    case 'time': return decodeTime(bytes, where);
    case 'microtime': return decodeMicroTime(bytes, where);
    case 'duration': return decodeDuration(bytes, where);
    case 'quantity': return decodeQuantity(bytes, where);
    case 'intorstr': return decodeIntOrString(bytes, where);
    case 'fieldsv1': {
      const raw = rawBytesField(bytes, where);
      return raw && raw.length > 0 ? parseJsonBytes(raw, where) : null;
    }
    case 'rawext': {
      const raw = rawBytesField(bytes, where);
      if (!raw || raw.length === 0) return null;
      if (!hasMagic(raw)) return parseJsonBytes(raw, where);
      // A nested object its sender encoded as protobuf too.
      const nesting = (ctx.nesting ?? 0) + 1;
      if (nesting > maxNesting) throw new ProtobufDecodeError('malformed', `${where}: objects nested more than ${maxNesting} deep`);
      const env = readEnvelope(raw, where);
      const inner = { ...ctx, nesting };
      const obj = decodeMessage(inner, ctx.messageForKind(env.apiVersion, env.kind), env.raw, `${where}(${env.kind})`);
      return { kind: env.kind, apiVersion: env.apiVersion, ...(obj as Record<string, unknown>) };
    }
  }
}

function bytesOf(f: RawField, where: string): Uint8Array {
  if (f.wireType !== 2) throw new ProtobufDecodeError('wire-type', `${where}: expected length-delimited (wire type 2), got wire type ${f.wireType}`);
  return f.value as Uint8Array;
}

function scalarOf(s: string, f: RawField, where: string): string | number | boolean {
  const want = s === 'string' ? 2 : s === 'double' ? 1 : s === 'float' ? 5 : 0;
  if (f.wireType !== want) throw new ProtobufDecodeError('wire-type', `${where}: ${s} needs wire type ${want}, got ${f.wireType}`);
  if (want !== 0) {
    const b = view(f.value as Uint8Array);
    return s === 'string' ? b.toString('utf8') : s === 'double' ? b.readDoubleLE(0) : b.readFloatLE(0);
  }
  const v = f.value as number | bigint;
  if (typeof v === 'number') {
    // Below 2^49: no sign bits set, so only 32-bit kinds need wrapping.
    if (s === 'bool') return v !== 0;
    if (s === 'int32' || s === 'uint32') {
      const u = v % 4294967296;
      return s === 'int32' && u >= 2147483648 ? u - 4294967296 : u;
    }
    return v;
  }
  switch (s) {
    case 'bool': return v !== 0n;
    case 'int32': return Number(BigInt.asIntN(32, v));
    case 'uint32': return Number(BigInt.asUintN(32, v));
    case 'uint64': return Number(v);
    default: return Number(BigInt.asIntN(64, v));
  }
}

/** A Buffer over the same memory, for its decoders, without a copy. */
function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.length);
}

function zeroOf(s: string): string | number | boolean {
  return s === 'string' ? '' : s === 'bool' ? false : 0;
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}
