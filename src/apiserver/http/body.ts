// Reading and decoding request bodies: a size limit, then JSON or YAML by content type.
// Anything malformed is a 400 that names what was wrong; nothing is written.

import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import { decodeKubernetesProtobuf, ProtobufDecodeError } from '../../api/protobuf/index.js';
import { errors } from '../errors.js';

/** kube-apiserver refuses bodies over 3 MiB. */
export const maxBodyBytes = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(errors.tooLarge('Request entity too large: limit is 3145728'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(errors.tooLarge('Request entity too large: limit is 3145728'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The media type without parameters, lower case. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  const t = mediaType(contentType);
  if (t === '' || t === 'application/json' || t === '*/*') return 'json';
  if (t === 'application/yaml' || t === 'application/x-yaml' || t === 'text/yaml' || t === 'application/apply-patch+yaml') return 'yaml';
  if (t === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  return undefined;
}

/** Parses a JSON, YAML or Kubernetes protobuf document; throws 400 with the parser's complaint. */
export function decode(body: Buffer, format: BodyFormat): unknown {
  if (format === 'protobuf') {
    try {
      return decodeKubernetesProtobuf(body).object;
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw errors.badRequest(`error decoding protobuf request body: ${err.message}`);
      throw err;
    }
  }
  const text = body.toString('utf8');
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw errors.badRequest(`error decoding request body: ${(err as Error).message}`);
    }
  }
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true });
  } catch (err) {
    throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length === 0) return null;
  const doc = list[0];
  if (doc.errors.length > 0) throw errors.badRequest(`error converting YAML to JSON: ${doc.errors[0].message}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/** The decoded body of a request whose Content-Type must be JSON, YAML or protobuf (415 otherwise). */
export async function readDecodedBody(req: IncomingMessage): Promise<unknown> {
  const format = bodyFormat(req.headers['content-type']);
  if (!format) throw errors.unsupportedMediaType(req.headers['content-type'] ?? '');
  return decode(await readBody(req), format);
}
