// JSON object -> protobuf message bytes, the inverse of decode.ts, written as Go's gogo
// marshalers write them: fields in number order, non-pointer scalars and structs always
// (zero or not), pointers only when set, map entries sorted by key.
import { ProtobufEncodeError } from './errors.js';
import {
  encodeDuration, encodeIntOrString, encodeMicroTime, encodeQuantity, encodeRawJson, encodeTime,
} from './special.js';
import type { FieldSpec, Schema, ValueType } from './table.js';
import { WireWriter } from './wire.js';

export interface EncodeContext {
  schema: Schema;
}

type Json = Record<string, unknown>;

export function encodeMessage(ctx: EncodeContext, name: string, value: unknown, path: string): Uint8Array {
  const spec = ctx.schema.message(name);
  const w = new WireWriter();
  if (spec.listOf) {
    const items = value === null || value === undefined ? [] : asArray(value, path);
    const f: FieldSpec = { json: 'items', num: 1, shape: 'list', value: spec.listOf, presence: 'always' };
    items.forEach((item, i) => writeOne(ctx, w, f, item, `${path}[${i}]`));
    return w.finish();
  }
  const obj = value === null || value === undefined ? {} : asObject(value, path);
  for (const f of [...spec.fields].sort((a, b) => a.num - b.num)) {
    if (f.presence === 'skip') continue;
    const where = `${path}.${f.json}`;
    if (f.presence === 'inline') {
      if (f.value.kind !== 'message') throw new ProtobufEncodeError(`${where}: only messages can be inlined`);
      w.bytes(f.num, encodeMessage(ctx, f.value.name, obj, where));
      continue;
    }
    const v = obj[f.json];
    if (f.shape === 'list') {
      if (v !== null && v !== undefined) asArray(v, where).forEach((item, i) => writeOne(ctx, w, f, item, `${where}[${i}]`));
    } else if (f.shape === 'map') {
      if (v === null || v === undefined) continue;
      const m = asObject(v, where);
      for (const k of Object.keys(m).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const entry = new WireWriter().string(1, k);
        writeOne(ctx, entry, { ...f, num: 2 }, m[k], `${where}[${JSON.stringify(k)}]`);
        w.bytes(f.num, entry.finish());
      }
    } else {
      if ((f.presence === 'pointer' || f.presence === 'pointerOrNull') && (v === null || v === undefined)) continue;
      writeOne(ctx, w, f, v, where);
    }
  }
  return w.finish();
}

function writeOne(ctx: EncodeContext, w: WireWriter, f: FieldSpec, v: unknown, where: string): void {
  const t = f.value;
  if (t.kind !== 'scalar') {
    w.bytes(f.num, encodeValue(ctx, t, v, where));
    return;
  }
  switch (t.scalar) {
    case 'string':
      w.string(f.num, v === undefined || v === null ? '' : typed(v, 'string', where));
      return;
    case 'bytes':
      // Go's nil []byte is not written at all.
      if (v !== undefined && v !== null) w.bytes(f.num, Buffer.from(typed(v, 'string', where), 'base64'));
      return;
    case 'bool':
      w.varint(f.num, v === undefined || v === null ? false : typed(v, 'boolean', where));
      return;
    case 'double':
      w.double(f.num, v === undefined || v === null ? 0 : typed(v, 'number', where));
      return;
    case 'float':
      w.float(f.num, v === undefined || v === null ? 0 : typed(v, 'number', where));
      return;
    default: {
      const n = v === undefined || v === null ? 0 : typed(v, 'number', where);
      if (!Number.isInteger(n)) throw new ProtobufEncodeError(`${where}: ${n} is not an integer`);
      w.varint(f.num, n);
    }
  }
}

function encodeValue(ctx: EncodeContext, t: ValueType, v: unknown, where: string): Uint8Array {
  if (t.kind === 'message') return encodeMessage(ctx, t.name, v, where);
  if (t.kind === 'scalar') throw new ProtobufEncodeError(`${where}: scalar where a message was expected`);
  switch (t.builtin) {
    case 'time': return encodeTime(v, where);
    case 'microtime': return encodeMicroTime(v, where);
    case 'duration': return encodeDuration(v, where);
    case 'quantity': return encodeQuantity(v ?? '0', where);
    case 'intorstr': return encodeIntOrString(v, where);
    case 'fieldsv1':
    case 'rawext': return encodeRawJson(v);
  }
}

function typed<T extends 'string' | 'number' | 'boolean'>(v: unknown, want: T, where: string): T extends 'string' ? string : T extends 'number' ? number : boolean {
  if (typeof v !== want) throw new ProtobufEncodeError(`${where}: expected a ${want}, got ${JSON.stringify(v)}`);
  return v as T extends 'string' ? string : T extends 'number' ? number : boolean;
}

function asArray(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ProtobufEncodeError(`${where}: expected a list`);
  return v;
}

function asObject(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtobufEncodeError(`${where}: expected an object`);
  return v as Json;
}
