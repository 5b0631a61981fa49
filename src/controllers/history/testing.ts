// A recording stand-in for the API server, for unit tests of sync functions: a
// Transport that keeps objects in a map by URL path, answers create/get/update/patch/
// delete the way the sync functions use them, and logs every write. Listers are filled
// by the test directly (Cache.set), so each test states exactly what the cache shows.

import { Readable } from 'node:stream';
import { RestClient } from '../../client/rest-client.js';
import type { Transport, TransportResponse } from '../../client/transport.js';
import type { KObject } from '../../client/types.js';

function respond(status: number, body: unknown): TransportResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) };
}

function statusBody(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

export class RecordingApi implements Transport {
  readonly objects = new Map<string, KObject>();
  readonly writes: string[] = [];
  private rv = 1;
  private uid = 1;

  readonly client = new RestClient({ transport: this });

  async request(method: string, fullPath: string, headers: Record<string, string>, body?: string | Buffer): Promise<TransportResponse> {
    const path = fullPath.split('?')[0];
    const input = body ? (JSON.parse(body.toString()) as KObject) : undefined;
    if (method === 'GET') {
      const o = this.objects.get(path);
      return o ? respond(200, o) : respond(404, statusBody(404, 'NotFound', `${path} not found`));
    }
    this.writes.push(`${method} ${path}`);
    if (method === 'POST') {
      const p = `${path}/${input!.metadata.name}`;
      if (path.endsWith('/binding')) return respond(201, {});
      if (this.objects.has(p)) return respond(409, statusBody(409, 'AlreadyExists', `${p} already exists`));
      const o = { ...input!, metadata: { ...input!.metadata, uid: `uid-${this.uid++}`, resourceVersion: String(++this.rv), creationTimestamp: new Date(0).toISOString() } };
      this.objects.set(p, o);
      return respond(201, o);
    }
    const isStatus = path.endsWith('/status');
    const objPath = isStatus ? path.slice(0, -'/status'.length) : path;
    const cur = this.objects.get(objPath);
    if (method === 'DELETE') {
      if (!cur) return respond(404, statusBody(404, 'NotFound', `${path} not found`));
      this.objects.delete(objPath);
      return respond(200, cur);
    }
    if (method === 'PUT') {
      const next = isStatus && cur ? { ...cur, status: input!.status } : input!;
      next.metadata = { ...next.metadata, resourceVersion: String(++this.rv) };
      this.objects.set(objPath, next);
      return respond(200, next);
    }
    if (method === 'PATCH') {
      if (!cur) return respond(404, statusBody(404, 'NotFound', `${path} not found`));
      const patch = input as unknown as { metadata?: Record<string, unknown> } & Record<string, unknown>;
      const next = structuredClone(cur);
      const del = patch.metadata?.['$deleteFromPrimitiveList/finalizers'] as string[] | undefined;
      if (del) next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => !del.includes(f));
      for (const [k, v] of Object.entries(patch)) if (k !== 'metadata') (next as Record<string, unknown>)[k] = v;
      this.objects.set(objPath, next);
      return respond(200, next);
    }
    return respond(405, statusBody(405, 'MethodNotAllowed', method));
  }

  /** Writes whose line contains every given fragment. */
  count(...fragments: string[]): number {
    return this.writes.filter((w) => fragments.every((f) => w.includes(f))).length;
  }
}
