// The agent's side of joining: fetch the cluster CA over an unverified connection and
// check it against the hash in the token (so a server in the middle cannot hand out
// its own CA), then send the node's certificate requests with the token over a
// connection verified by that CA.

import { request } from 'node:https';
import type { JoinRequest, JoinResponse } from './node-certs.js';
import { cacertsPath, joinPath } from './endpoint.js';
import { caHash, parseJoinToken } from './token.js';

export class JoinError extends Error {
  override name = 'JoinError';
}

interface HttpAnswer {
  status: number;
  body: string;
}

function send(url: URL, o: { method: string; ca?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: o.method,
      headers: o.headers,
      // Without a CA the answer is trusted only once its hash is checked.
      ...(o.ca ? { ca: o.ca } : { rejectUnauthorized: false }),
      timeout: o.timeoutMs ?? 15_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(o.body);
  });
}

function serverUrl(server: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(path, server);
  } catch {
    throw new JoinError(`invalid --server ${JSON.stringify(server)}: want a URL such as https://10.0.0.1:6443`);
  }
  if (url.protocol !== 'https:') throw new JoinError(`invalid --server ${JSON.stringify(server)}: the API server speaks https`);
  return url;
}

async function reach(url: URL, o: Parameters<typeof send>[1]): Promise<HttpAnswer> {
  try {
    return await send(url, o);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new JoinError(`cannot reach the server at ${url.origin}: ${e.code ?? e.message}`);
  }
}

function statusMessage(a: HttpAnswer): string {
  try {
    const s = JSON.parse(a.body) as { message?: unknown };
    if (typeof s.message === 'string') return s.message;
  } catch {
    // not a Status: fall through to the raw text
  }
  return a.body.slice(0, 200);
}

/** The cluster CA, checked against the token's hash. */
export async function fetchClusterCa(server: string, tokenText: string): Promise<string> {
  const token = parseJoinToken(tokenText);
  const a = await reach(serverUrl(server, cacertsPath), { method: 'GET' });
  if (a.status !== 200) throw new JoinError(`the server at ${server} answered ${a.status} for its CA: is it a k8ts server?`);
  const got = caHash(a.body);
  if (got !== token.caHash) {
    throw new JoinError(`the server's CA (sha256 ${got}) is not the one the join token names (sha256 ${token.caHash}): wrong --server or --token`);
  }
  return a.body;
}

/** Sends the join request; a refused token is a JoinError that says so. */
export async function requestNodeCertificates(server: string, tokenText: string, caPem: string, req: JoinRequest): Promise<JoinResponse> {
  const body = JSON.stringify(req);
  const a = await reach(serverUrl(server, joinPath), {
    method: 'POST', ca: caPem, body,
    headers: { Authorization: `Bearer ${tokenText.trim()}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
  });
  if (a.status === 401) throw new JoinError(`the server refused the join token (401 Unauthorized: ${statusMessage(a)}): check --token against the server's <data-dir>/token`);
  if (a.status !== 200) throw new JoinError(`joining failed: the server answered ${a.status}: ${statusMessage(a)}`);
  let issued: Partial<JoinResponse>;
  try {
    issued = JSON.parse(a.body) as Partial<JoinResponse>;
  } catch {
    throw new JoinError('joining failed: the server\'s answer is not JSON');
  }
  if (typeof issued.clientCert !== 'string' || typeof issued.servingCert !== 'string' || typeof issued.caPem !== 'string') {
    throw new JoinError('joining failed: the server\'s answer lacks the node\'s certificates');
  }
  return { caPem: issued.caPem, clientCert: issued.clientCert, servingCert: issued.servingCert };
}
