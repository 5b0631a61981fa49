// The frame around every Kubernetes protobuf object: the 4-byte magic "k8s\0" and a
// runtime.Unknown message {1: typeMeta {1: apiVersion, 2: kind}, 2: raw (the object's
// own message), 3: contentEncoding, 4: contentType}.
import { ProtobufDecodeError } from './errors.js';
import { WireReader, WireWriter, type RawField } from './wire.js';

export const magic = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export function hasMagic(b: Uint8Array): boolean {
  return b.length >= 4 && magic.every((x, i) => b[i] === x);
}

function str(fields: Map<number, RawField[]>, num: number, where: string): string {
  const list = fields.get(num);
  if (!list) return '';
  const f = list[list.length - 1];
  if (f.wireType !== 2) throw new ProtobufDecodeError('wire-type', `${where}: field ${num} must be a string`);
  return Buffer.from(f.value as Uint8Array).toString('utf8');
}

export function readEnvelope(body: Uint8Array, where = 'runtime.Unknown'): Envelope {
  if (!hasMagic(body)) throw new ProtobufDecodeError('bad-magic', `${where}: body does not start with the Kubernetes protobuf magic "k8s\\0"`);
  const top = new WireReader(body.subarray(4), where).readAll();
  const tmList = top.get(1) ?? [];
  const tmBytes = tmList.length ? tmList[tmList.length - 1] : undefined;
  if (tmBytes && tmBytes.wireType !== 2) throw new ProtobufDecodeError('wire-type', `${where}.typeMeta: must be a message`);
  const tm = new WireReader((tmBytes?.value as Uint8Array | undefined) ?? new Uint8Array(0), `${where}.typeMeta`).readAll();
  const rawList = top.get(2) ?? [];
  const rawField = rawList.length ? rawList[rawList.length - 1] : undefined;
  if (rawField && rawField.wireType !== 2) throw new ProtobufDecodeError('wire-type', `${where}.raw: must be bytes`);
  return {
    apiVersion: str(tm, 1, `${where}.typeMeta`),
    kind: str(tm, 2, `${where}.typeMeta`),
    raw: (rawField?.value as Uint8Array | undefined) ?? new Uint8Array(0),
    contentEncoding: str(top, 3, where),
    contentType: str(top, 4, where),
  };
}

export function writeEnvelope(e: { apiVersion: string; kind: string; raw: Uint8Array }): Uint8Array {
  const tm = new WireWriter().string(1, e.apiVersion).string(2, e.kind).finish();
  // Go writes contentEncoding and contentType even when empty.
  const body = new WireWriter().bytes(1, tm).bytes(2, e.raw).string(3, '').string(4, '').finish();
  return Buffer.concat([magic, body]);
}
