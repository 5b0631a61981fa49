// Response content negotiation: JSON (default), YAML, and the meta.k8s.io "views" that
// clients ask for in Accept: Table (kubectl get) and PartialObjectMetadata.

import type { ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import { ApiError, errors } from '../errors.js';

export type View = 'object' | 'table' | 'metadata';

export interface Negotiated {
  view: View;
  /** The meta.k8s.io version of the view (v1 or v1beta1). */
  viewVersion: string;
  yaml: boolean;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(accept: string): MediaRange[] {
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim().toLowerCase()] = kv.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

/** Picks the first media range in Accept that k8ts can produce. */
export function negotiate(accept: string | undefined): Negotiated {
  if (!accept) return { view: 'object', viewVersion: 'v1', yaml: false };
  for (const m of parseAccept(accept)) {
    const jsonish = m.type === 'application/json' || m.type === 'application/yaml' || m.type === '*/*' || m.type === 'application/*';
    if (!jsonish) continue;
    const yaml = m.type === 'application/yaml';
    const as = m.params.as;
    if (as === undefined) return { view: 'object', viewVersion: 'v1', yaml };
    const okGroup = m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1');
    if (!okGroup) continue;
    if (as === 'Table') return { view: 'table', viewVersion: m.params.v, yaml };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { view: 'metadata', viewVersion: m.params.v, yaml };
  }
  if (parseAccept(accept).some((m) => m.type === 'application/vnd.kubernetes.protobuf')) {
    // Clients that prefer protobuf also accept JSON from servers that only speak it.
    return { view: 'object', viewVersion: 'v1', yaml: false };
  }
  throw errors.notAcceptable(`only the following media types are accepted: application/json, application/yaml`);
}

/** Sends a body: an object, or JSON already serialised (a string, or bytes as the watch cache holds them). */
export function sendBody(res: ServerResponse, code: number, body: string | Buffer | object, yaml = false, headers: Record<string, string> = {}): void {
  let text: string | Buffer;
  const serialised = typeof body === 'string' || Buffer.isBuffer(body);
  if (yaml) text = stringify(serialised ? JSON.parse(body.toString()) : body);
  else text = serialised ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': yaml ? 'application/yaml' : 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendBody(res, err.code, err.toStatus());
}
