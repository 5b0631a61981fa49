// Minimal HTTP(S) GET with redirects, keep-alive and AbortSignal, over node:http so
// bodies stream straight into the content store. Network failures become
// RegistryUnreachableError naming the host the caller meant to reach.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { AbortedError, RegistryUnreachableError, ResponseTooLargeError } from './errors.js';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Give up when the connection is silent this long (default 30 000 ms), waiting for
   * headers or mid-body. The error has code ETIMEDOUT, so a blob download resumes.
   */
  timeoutMs?: number;
  /** Host named in errors (defaults to the URL's). */
  registryHost?: string;
}

function once(req: HttpRequest, url: URL): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) return reject(new AbortedError());
    const mod = url.protocol === 'https:' ? https : http;
    const r = mod.request(url, {
      method: req.method ?? 'GET',
      headers: { 'user-agent': 'k8ts/0.1', ...req.headers },
      agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
      signal: req.signal,
    });
    const idle = req.timeoutMs ?? 30_000;
    r.setTimeout(idle, () => r.destroy(Object.assign(new Error(`connection silent for ${idle} ms`), { code: 'ETIMEDOUT' })));
    r.on('response', resolve);
    r.on('error', (e) => {
      if (req.signal?.aborted) reject(new AbortedError());
      else reject(new RegistryUnreachableError(req.registryHost ?? url.host, e));
    });
    r.end();
  });
}

/**
 * GET, following up to 5 redirects. Credentials are only sent to the host they were
 * meant for: blob redirects to a storage host must not carry the registry token.
 */
export async function httpGet(req: HttpRequest): Promise<IncomingMessage> {
  let url = new URL(req.url);
  const origin = url.host;
  let headers = { ...req.headers };
  for (let hop = 0; hop < 6; hop++) {
    const res = await once({ ...req, headers }, url);
    const loc = res.headers.location;
    if (res.statusCode !== undefined && [301, 302, 303, 307, 308].includes(res.statusCode) && loc) {
      res.resume();
      url = new URL(loc, url);
      if (url.host !== origin) {
        const { authorization: _drop, ...rest } = headers;
        headers = rest;
      }
      continue;
    }
    return res;
  }
  throw new RegistryUnreachableError(req.registryHost ?? origin, new Error('too many redirects'));
}

/** Read a whole (small) response body; refuse bodies over `limit` bytes. */
export async function readBody(res: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.destroy();
      throw new ResponseTooLargeError(limit);
    }
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}
