// The API server's side of pods/log, pods/exec, pods/attach, pods/portforward and
// nodes/NAME/proxy: find the node, dial its streaming server, and pass the request on.
// Logs and plain node-proxy requests are streamed HTTP responses; upgrades (WebSocket,
// SPDY) become a raw tunnel once the node has answered 101, the two sockets piped into
// each other, so the API server never needs to understand the stream protocol. Errors
// the node answers become Status objects, as kubectl expects from the API server.

import { request, ServerResponse, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, errors } from '../errors.js';
import { DirectTlsDialer, type GetNode, type NodeDialer } from './dialer.js';
import { nodeErrorToApiError } from './node-errors.js';
import { tunnelPortForward, wantsTunnelledPortForward } from './portforward-tunnel.js';
import { chooseContainer, kubeletPodPath, parseNodeProxyPath, requireBoundPod, type PodLike, type ProxyRequest } from './target.js';

export interface NodeProxyOptions {
  getPod(namespace: string, name: string): Promise<PodLike | undefined>;
  getNode: GetNode;
  /** How to reach a node; default a DirectTlsDialer over ca/clientCert/clientKey. */
  dialer?: NodeDialer;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  log?: (msg: string) => void;
}

/** Headers that belong to the client's hop or its credentials, never passed to the node. */
const dropHeaders = new Set(['host', 'authorization', 'cookie', 'proxy-authorization', 'content-length', 'transfer-encoding', 'keep-alive']);

function forwardHeaders(h: IncomingHttpHeaders, upgrade: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || dropHeaders.has(k) || k.startsWith('impersonate-')) continue;
    if (!upgrade && (k === 'connection' || k === 'upgrade')) continue;
    out[k] = v;
  }
  return out;
}

function dialerOf(opts: NodeProxyOptions): NodeDialer {
  if (opts.dialer) return opts.dialer;
  if (!opts.ca || !opts.clientCert || !opts.clientKey) throw errors.internal('the node proxy has neither a dialer nor client credentials');
  return new DirectTlsDialer({ getNode: opts.getNode, ca: opts.ca, clientCert: opts.clientCert, clientKey: opts.clientKey });
}

/** Where on which node a proxy request goes. */
async function resolveTarget(opts: NodeProxyOptions, pr: ProxyRequest, query: URLSearchParams): Promise<{ nodeName: string; path: string }> {
  if (pr.kind === 'node') {
    const qs = query.toString();
    return { nodeName: pr.name, path: `${pr.rest}${qs ? `?${qs}` : ''}` };
  }
  const pod = await opts.getPod(pr.namespace, pr.name);
  if (!pod) throw errors.notFound('', 'pods', pr.name);
  const nodeName = requireBoundPod(pod);
  return { nodeName, path: kubeletPodPath(pr, pod, query) };
}

async function readBody(res: IncomingMessage, max = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res) {
    const b = c as Buffer;
    if (size < max) chunks.push(b);
    size += b.length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max);
}

function writeRawStatus(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  if (!socket.writable) { socket.destroy(); return; }
  socket.end(`HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : errors.internal((err as Error).message, err);
}

/**
 * Serves a proxy request. With a ServerResponse it is an ordinary request (logs,
 * nodes/proxy): errors before the response started are thrown as ApiError for the
 * caller's error handling. With a socket it is an upgrade request from the server's
 * 'upgrade' event: errors are written to the socket as a Status and it is closed.
 */
export async function handleNodeProxy(opts: NodeProxyOptions, req: IncomingMessage, target: ServerResponse | Duplex, head: Buffer = Buffer.alloc(0)): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://apiserver');
  const pr = parseNodeProxyPath(url.pathname);
  if (target instanceof ServerResponse) {
    if (!pr) throw errors.notFoundPath();
    if (pr.kind === 'pod' && pr.subresource !== 'log') throw errors.badRequest('Upgrade request required');
    if (pr.kind === 'pod') {
      // A pod not yet on a node has no logs: an empty answer, as Kubernetes gives.
      const pod = await opts.getPod(pr.namespace, pr.name);
      if (pod && !pod.spec?.nodeName) {
        chooseContainer(pod, url.searchParams.get('container'));
        target.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
        target.end();
        return;
      }
    }
    return proxyRequest(opts, req, target, pr, url.searchParams);
  }
  try {
    if (!pr) throw errors.notFoundPath();
    if (pr.kind === 'pod' && pr.subresource === 'log') throw errors.badRequest('pods/log is not an upgrade');
    await proxyUpgrade(opts, req, target, head, pr, url.searchParams);
  } catch (err) {
    const e = toApiError(err);
    if (e.code >= 500) opts.log?.(`node proxy ${req.url}: ${e.message}`);
    writeRawStatus(target, e);
  }
}

async function proxyRequest(opts: NodeProxyOptions, req: IncomingMessage, res: ServerResponse, pr: ProxyRequest, query: URLSearchParams): Promise<void> {
  const { nodeName, path } = await resolveTarget(opts, pr, query);
  const ac = new AbortController();
  const onGone = () => ac.abort();
  res.on('close', onGone);
  const stream = await dialerOf(opts).dial(nodeName, ac.signal);
  await new Promise<void>((resolve, reject) => {
    const out = request({
      method: req.method,
      path,
      headers: { ...forwardHeaders(req.headers, false), host: nodeName },
      createConnection: (() => stream) as unknown as undefined,
    });
    ac.signal.addEventListener('abort', () => { out.destroy(); stream.destroy(); resolve(); }, { once: true });
    out.on('error', (err) => {
      if (res.headersSent) { res.destroy(); resolve(); } else reject(errors.internal(`proxying to node ${nodeName}: ${err.message}`, err));
    });
    out.on('response', (nres) => {
      const done = () => { stream.destroy(); resolve(); };
      if (pr.kind === 'pod') {
        if ((nres.statusCode ?? 500) !== 200) {
          void readBody(nres).then((body) => { stream.destroy(); reject(nodeErrorToApiError(nres.statusCode ?? 500, body)); }, reject);
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
      } else {
        const headers = { ...nres.headers };
        delete headers.connection;
        delete headers['keep-alive'];
        res.writeHead(nres.statusCode ?? 502, headers);
      }
      nres.pipe(res);
      nres.on('end', done);
      nres.on('error', () => { res.destroy(); done(); });
    });
    if (pr.kind === 'node' && req.method !== 'GET' && req.method !== 'HEAD') req.pipe(out);
    else out.end();
  }).finally(() => res.off('close', onGone));
}

async function proxyUpgrade(opts: NodeProxyOptions, req: IncomingMessage, client: Duplex, head: Buffer, pr: ProxyRequest, query: URLSearchParams): Promise<void> {
  const { nodeName, path } = await resolveTarget(opts, pr, query);
  const stream = await dialerOf(opts).dial(nodeName);
  if (pr.kind === 'pod' && pr.subresource === 'portforward' && wantsTunnelledPortForward(req)) return tunnelPortForward(req, client, head, stream, path, nodeName);
  await new Promise<void>((resolve, reject) => {
    const out = request({
      method: req.method,
      path,
      headers: { ...forwardHeaders(req.headers, true), host: nodeName },
      createConnection: (() => stream) as unknown as undefined,
    });
    out.on('error', (err) => reject(errors.internal(`proxying to node ${nodeName}: ${err.message}`, err)));
    out.on('response', (nres) => {
      // The node did not upgrade: its answer becomes the API server's Status.
      void readBody(nres).then((body) => { stream.destroy(); reject(nodeErrorToApiError(nres.statusCode ?? 500, body)); }, reject);
    });
    out.on('upgrade', (nres, nsocket: Duplex, nhead: Buffer) => {
      const lines = [`HTTP/1.1 101 ${nres.statusMessage || 'Switching Protocols'}`];
      for (let i = 0; i < nres.rawHeaders.length; i += 2) lines.push(`${nres.rawHeaders[i]}: ${nres.rawHeaders[i + 1]}`);
      client.write(lines.join('\r\n') + '\r\n\r\n');
      if (nhead.length > 0) client.write(nhead);
      if (head.length > 0) nsocket.write(head);
      // pipe() passes each side's end on after flushing what is in flight; destroying a
      // socket as soon as the other closes would drop the last frames (the exit status).
      const broken = () => { client.destroy(); nsocket.destroy(); };
      nsocket.on('error', broken);
      client.on('error', broken);
      let open = 2;
      const closed = () => { if (--open === 0) resolve(); };
      nsocket.once('close', () => { if (client.writable) client.end(); closed(); });
      client.once('close', () => { if (nsocket.writable) nsocket.end(); closed(); });
      nsocket.pipe(client);
      client.pipe(nsocket);
    });
    client.once('close', () => out.destroy());
    out.end();
  });
}
