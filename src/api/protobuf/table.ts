// The wire tables: for each Kubernetes message, its fields by number with their JSON
// name, protobuf type and how Go's encoding/json treats a zero value.
//
// A package's table (tables/*.ts) maps a message name to its fields, space separated,
// in Go struct order (the order JSON shows them):
//
//   json=number:type[flag]
//
// type:  string bytes int32 int64 uint32 uint64 bool double float
//        time microtime duration fieldsv1 quantity intorstr rawext   (hand-converted, special.ts)
//        Name (same package) or pkg/ver.Name (another package, e.g. meta/v1.ObjectMeta)
//        []T repeated, {T} map<string, T>
// flag:  none  Go omitempty: a zero value is left out of JSON
//        !     no omitempty: always in JSON (zero, or null for an empty list or map)
//        ?     a Go pointer: in JSON exactly when on the wire, even if zero
//        *     a Go pointer without omitempty: the same, but null when not on the wire
//        ^     an embedded Go struct: its fields are inlined into the parent
//        -     json:"-": on the wire but never in JSON
// Non-pointer nested messages are always in JSON, as Go never omits a struct.
//
// A message written `=[]T` is a named Go slice that protobuf wraps in a message
// (field 1, `items`) so it can be a map value; its JSON is the bare list.
import { ProtobufDecodeError } from './errors.js';

export interface PackageSource {
  /** 'core/v1', 'apps/v1', 'meta/v1', ... */
  key: string;
  messages: Record<string, string>;
}

export type ScalarKind = 'string' | 'bytes' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'bool' | 'double' | 'float';
export type BuiltinKind = 'time' | 'microtime' | 'duration' | 'fieldsv1' | 'quantity' | 'intorstr' | 'rawext';

export type ValueType =
  | { kind: 'scalar'; scalar: ScalarKind }
  | { kind: 'builtin'; builtin: BuiltinKind }
  /** Qualified: 'core/v1.PodSpec'. */
  | { kind: 'message'; name: string };

export type Presence = 'omitempty' | 'always' | 'pointer' | 'pointerOrNull' | 'inline' | 'skip';

export interface FieldSpec {
  json: string;
  num: number;
  shape: 'single' | 'list' | 'map';
  value: ValueType;
  presence: Presence;
}

export interface MessageSpec {
  /** Qualified: 'core/v1.ConfigMap'. */
  name: string;
  /** In Go struct order. */
  fields: FieldSpec[];
  byNum: Map<number, FieldSpec>;
  /** Set for a wrapped named slice: the element type of field 1. */
  listOf?: ValueType;
}

const scalarKinds = new Set<string>(['string', 'bytes', 'int32', 'int64', 'uint32', 'uint64', 'bool', 'double', 'float']);
const builtinKinds = new Set<string>(['time', 'microtime', 'duration', 'fieldsv1', 'quantity', 'intorstr', 'rawext']);
const flags: Record<string, Presence> = { '!': 'always', '?': 'pointer', '*': 'pointerOrNull', '^': 'inline', '-': 'skip' };

export class TableError extends Error {
  override readonly name = 'TableError';
}

/** Every message of the given packages, compiled from their compact text on first use. */
export class Schema {
  private readonly sources = new Map<string, string>();
  private readonly compiled = new Map<string, MessageSpec>();

  constructor(packages: PackageSource[]) {
    for (const p of packages) {
      for (const [name, text] of Object.entries(p.messages)) this.sources.set(`${p.key}.${name}`, text);
    }
  }

  has(name: string): boolean {
    return this.sources.has(name);
  }

  message(name: string): MessageSpec {
    const hit = this.compiled.get(name);
    if (hit) return hit;
    const text = this.sources.get(name);
    if (text === undefined) throw new ProtobufDecodeError('unknown-kind', `no protobuf table for message ${name}`);
    const spec = compile(name, text);
    this.compiled.set(name, spec);
    return spec;
  }

  /** All qualified message names (for tests that check every reference resolves). */
  names(): string[] {
    return [...this.sources.keys()];
  }
}

function compile(name: string, text: string): MessageSpec {
  const pkg = name.slice(0, name.lastIndexOf('.'));
  const trimmed = text.trim();
  if (trimmed.startsWith('=[]')) {
    return { name, fields: [], byNum: new Map(), listOf: parseValue(trimmed.slice(3), pkg, name) };
  }
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/).map((tok) => parseField(tok, pkg, name));
  return { name, fields, byNum: new Map(fields.map((f) => [f.num, f])), listOf: undefined };
}

function parseField(tok: string, pkg: string, where: string): FieldSpec {
  const m = /^([\w$-]+)=(\d+):(\[\]|\{)?([\w./]+)\}?([!?*^-])?$/.exec(tok);
  if (!m) throw new TableError(`${where}: cannot parse field ${JSON.stringify(tok)}`);
  const shape = m[3] === '[]' ? 'list' : m[3] === '{' ? 'map' : 'single';
  return { json: m[1], num: Number(m[2]), shape, value: parseValue(m[4], pkg, where), presence: m[5] ? flags[m[5]] : 'omitempty' };
}

function parseValue(t: string, pkg: string, where: string): ValueType {
  if (scalarKinds.has(t)) return { kind: 'scalar', scalar: t as ScalarKind };
  if (builtinKinds.has(t)) return { kind: 'builtin', builtin: t as BuiltinKind };
  if (!/^[A-Z]/.test(t.slice(t.lastIndexOf('.') + 1))) throw new TableError(`${where}: unknown type ${t}`);
  return { kind: 'message', name: t.includes('.') ? t : `${pkg}.${t}` };
}
