// Seeded sample objects for any table message: every field filled (or, at a chosen
// rate, left zero or absent), so a round trip through another implementation of the
// format, such as Go's inside kubectl, exercises every field number and type.
import type { FieldSpec, Schema, ValueType } from './table.js';

export interface SampleOptions {
  /** Seed of the deterministic generator. Default 1. */
  seed?: number;
  /** Nested messages deeper than this are left out. Default 12. */
  maxDepth?: number;
  /** Share of scalars, lists and maps given their zero value, and of pointers left unset. Default 0.2. */
  zeroRate?: number;
  /** Fields never filled, as 'pkg/version.Message.jsonName'. Default none. */
  omit?: ReadonlySet<string>;
}

const quantities = ['500m', '1Gi', '2', '100Mi', '1500m', '3k'];

export function sampleObject(schema: Schema, root: string, options: SampleOptions = {}): Record<string, unknown> {
  let state = (options.seed ?? 1) >>> 0 || 1;
  // mulberry32: small, fast, good enough to vary test data.
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const maxDepth = options.maxDepth ?? 12;
  const zeroRate = options.zeroRate ?? 0.2;
  const omit = options.omit ?? new Set<string>();
  let counter = 0;

  const scalar = (s: string, zero: boolean): unknown => {
    counter++;
    switch (s) {
      case 'string': return zero ? '' : `s${counter}`;
      case 'bytes': return zero ? '' : Buffer.from([counter & 0xff, 0, 0xff]).toString('base64');
      case 'bool': return !zero;
      case 'double': case 'float': return zero ? 0 : counter + 0.5;
      case 'int32': case 'int64': return zero ? 0 : (random() < 0.2 ? -1 : 1) * (1 + Math.floor(random() * 100000));
      default: return zero ? 0 : 1 + Math.floor(random() * 100000);
    }
  };

  const value = (t: ValueType, depth: number, zero: boolean): unknown => {
    if (t.kind === 'scalar') return scalar(t.scalar, zero);
    if (t.kind === 'message') return message(t.name, depth + 1);
    counter++;
    switch (t.builtin) {
      case 'time': return new Date(Date.UTC(2024, 0, 1) + counter * 1000).toISOString().replace('.000Z', 'Z');
      case 'microtime': return new Date(Date.UTC(2024, 0, 1) + counter * 1000).toISOString().replace(/\.000Z$/, `.${String(counter % 1000000).padStart(6, '0')}Z`);
      case 'duration': return `${counter}m30s`;
      case 'quantity': return quantities[counter % quantities.length];
      case 'intorstr': return counter % 2 === 0 ? counter : `p${counter}`;
      case 'rawext': return { n: counter, s: 'x' };
      case 'fieldsv1': return { 'f:metadata': { 'f:labels': {} } };
    }
  };

  const message = (name: string, depth: number): unknown => {
    const spec = schema.message(name);
    if (spec.listOf) return [value(spec.listOf, depth, false)];
    const out: Record<string, unknown> = {};
    for (const f of spec.fields) if (!omit.has(`${name}.${f.json}`)) fill(f, depth, out);
    return out;
  };

  const fill = (f: FieldSpec, depth: number, out: Record<string, unknown>): void => {
    if (f.presence === 'skip') return;
    const isMessage = f.value.kind === 'message';
    if (isMessage && depth >= maxDepth) return;
    const pointer = f.presence === 'pointer' || f.presence === 'pointerOrNull';
    if (pointer && random() < zeroRate) return;
    const zero = !pointer && random() < zeroRate;
    if (f.presence === 'inline') {
      const v = value(f.value, depth, false);
      if (v && typeof v === 'object') Object.assign(out, v);
      return;
    }
    if (f.shape === 'list') {
      out[f.json] = zero ? [] : Array.from({ length: 1 + Math.floor(random() * 2) }, () => value(f.value, depth, false));
    } else if (f.shape === 'map') {
      out[f.json] = zero ? {} : Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 2) }, (_, i) => [`k${i}`, value(f.value, depth, false)]));
    } else {
      out[f.json] = value(f.value, depth, zero && !isMessage);
    }
  };

  return message(root, 0) as Record<string, unknown>;
}
