// Kubernetes' protobuf wire format for request bodies (Content-Type
// application/vnd.kubernetes.protobuf): the "k8s\0" frame, runtime.Unknown, and every
// built-in kind's message, decoded into the JSON shape kubectl would have sent.
import { decodeMessage, type DecodeContext } from './decode.js';
import { encodeMessage, type EncodeContext } from './encode.js';
import { readEnvelope, writeEnvelope } from './envelope.js';
import { ProtobufDecodeError, ProtobufEncodeError } from './errors.js';
import { messageForKind } from './kinds.js';
import { Schema } from './table.js';
import { allPackages } from './tables/index.js';

export { isProtobufContentType, protobufMediaType } from './content-type.js';
export { ProtobufDecodeError, ProtobufEncodeError } from './errors.js';
export type { ProtobufErrorCode } from './errors.js';
export { Schema } from './table.js';

let shared: Schema | undefined;
/** The schema of every built-in package, compiled lazily, message by message. */
export function defaultSchema(): Schema {
  shared ??= new Schema(allPackages);
  return shared;
}

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object, apiVersion and kind included, as Go's encoding/json would print it. */
  object: Record<string, unknown>;
}

export function decodeKubernetesProtobuf(body: Uint8Array, schema: Schema = defaultSchema()): DecodedObject {
  const env = readEnvelope(body);
  if (env.contentEncoding !== '') {
    throw new ProtobufDecodeError('unsupported', `runtime.Unknown: content encoding ${JSON.stringify(env.contentEncoding)} is not supported`);
  }
  if (env.kind === '' || env.apiVersion === '') {
    throw new ProtobufDecodeError('unknown-kind', 'runtime.Unknown: typeMeta must name apiVersion and kind');
  }
  const ctx: DecodeContext = { schema, messageForKind: (a, k) => messageForKind(schema, a, k) };
  const name = messageForKind(schema, env.apiVersion, env.kind);
  const body2 = decodeMessage(ctx, name, env.raw, name) as Record<string, unknown>;
  return { apiVersion: env.apiVersion, kind: env.kind, object: { kind: env.kind, apiVersion: env.apiVersion, ...body2 } };
}

/** The inverse: an object with apiVersion and kind -> framed protobuf bytes, as Go's client writes them. */
export function encodeKubernetesProtobuf(obj: Record<string, unknown>, schema: Schema = defaultSchema()): Uint8Array {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new ProtobufEncodeError('object needs string apiVersion and kind');
  let name: string;
  try {
    name = messageForKind(schema, apiVersion, kind);
  } catch (err) {
    throw new ProtobufEncodeError(`no protobuf encoding for kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}`, { cause: err });
  }
  const ctx: EncodeContext = { schema };
  return writeEnvelope({ apiVersion, kind, raw: encodeMessage(ctx, name, obj, name) });
}
