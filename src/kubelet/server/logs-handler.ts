// GET /containerLogs/<ns>/<pod>/<container>: the options kubectl logs sends (through
// the API server), validated as the kubelet validates them, then the CRI log file
// streamed out.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RuntimeService } from '../../runtime/cri.js';
import { parseRfc3339Ns, streamCriLog, type CriLogOptions } from './cri-log.js';
import { HttpError } from './http-errors.js';
import type { ContainerLocator } from './locator.js';
import { queryFlag } from '../../api/query-params.js';

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  locator: ContainerLocator;
  runtime: RuntimeService;
}

const bool = queryFlag;

function integer(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new HttpError(400, `${name}: invalid value ${JSON.stringify(v)}: must be an integer`);
  if (n < min) throw new HttpError(400, `${name}: Invalid value: ${n}: must be greater than or equal to ${min}`);
  return n;
}

/** The log options of a request, with `now` in ms for sinceSeconds. */
export function logOptions(q: URLSearchParams, now: number): CriLogOptions & { previous: boolean } {
  const sinceSeconds = integer(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new HttpError(400, 'at most one of sinceTime or sinceSeconds may be specified');
  let sinceNs: number | undefined;
  if (sinceSeconds !== undefined) sinceNs = (now - sinceSeconds * 1000) * 1e6;
  if (sinceTime) {
    sinceNs = parseRfc3339Ns(sinceTime);
    if (Number.isNaN(sinceNs)) throw new HttpError(400, `sinceTime: invalid value ${JSON.stringify(sinceTime)}: want RFC 3339`);
  }
  const stream = q.get('stream');
  if (stream && stream !== 'stdout' && stream !== 'stderr' && stream !== 'All') throw new HttpError(400, `stream: unsupported value ${JSON.stringify(stream)}`);
  return {
    follow: bool(q, 'follow'),
    previous: bool(q, 'previous'),
    timestamps: bool(q, 'timestamps'),
    tailLines: integer(q, 'tailLines', 0),
    limitBytes: integer(q, 'limitBytes', 1),
    sinceNs,
    stream: stream === 'stdout' || stream === 'stderr' ? stream : undefined,
  };
}

export async function serveLogs(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, r: LogRequest): Promise<void> {
  const opts = logOptions(q, Date.now());
  const found = await r.locator.find(r.namespace, r.pod, r.container, { previous: opts.previous });
  if (!found) {
    if (opts.previous) throw new HttpError(400, `previous terminated container "${r.container}" in pod "${r.pod}" not found`);
    throw new HttpError(404, `container "${r.container}" in pod "${r.pod}" is not available`);
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  if (req.method === 'HEAD') { res.end(); return; }
  res.flushHeaders();
  const running = async () => {
    try {
      const s = await r.runtime.containerStatus(found.containerId);
      return s.state === 'CONTAINER_RUNNING' || s.state === 'CONTAINER_CREATED';
    } catch {
      return false;
    }
  };
  const write = (chunk: string) => new Promise<void>((resolve) => {
    if (res.destroyed) return resolve();
    if (res.write(chunk)) resolve();
    else res.once('drain', resolve).once('close', resolve);
  });
  try {
    await streamCriLog(found.logPath, { ...opts, follow: opts.follow && !opts.previous, signal: abort.signal }, write, running);
  } finally {
    if (!res.destroyed) res.end();
  }
}
